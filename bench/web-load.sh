#!/usr/bin/env bash
# Load benchmark of the web service with wrk (Debian's wrk; installed with apt-get when missing), against
# ./threshold serve on loopback. Bounded: each run lasts DURATION (default 20s). Not a test.
#
#   bench/web-load.sh [DURATION]
#
# 1. timeline of a 10-year daily series (the bundled MODELED series tiled to 3,650 days, labelled modeled);
# 2. single-case screening (POST /api/v1/screen with an analyst key);
# 3. bulk screening throughput (POST /api/v1/screen/bulk, 200,000 SYNTHETIC cases, timed with curl).
#
# wrk is closed-loop: it reports latency at the throughput the server reaches with the given connections. When that
# throughput is well above a target rate, the latency at the target rate is no worse; the script prints both.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-20s}"
port="${THRESHOLD_BENCH_PORT:-5181}"
url="http://127.0.0.1:$port"
work="$(mktemp -d)"
trap 'if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

# shellcheck source=bench/web-server.sh
. "$root/bench/web-server.sh"
web_require_wrk web-load

# A 10-year series: the bundled modeled days repeated with their dates moved on, kept labelled as modeled.
src="$root/data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv"
python3 - "$src" "$work/ten-years.modeled.csv" <<'PY'
import csv, datetime, sys
rows = [r for r in open(sys.argv[1]) if not r.startswith('#')]
header, body = rows[0], [r.strip().split(',') for r in rows[1:]]
start = datetime.date(2015, 1, 1)
with open(sys.argv[2], 'w') as out:
    out.write('# modeled: the bundled MODELED daily series tiled over 3,650 days for load testing only\n')
    out.write(header)
    for i in range(3650):
        values = body[i % len(body)][1:]
        out.write(','.join([(start + datetime.timedelta(days=i)).isoformat()] + values) + '\n')
PY

"$root/threshold" --help >/dev/null  # build once before timing anything
data="$work/data"
"$root/threshold" store import "$work/ten-years.modeled.csv" --series ten-years --data-dir "$data" >/dev/null
key="$("$root/threshold" keys create --name bench --role analyst --data-dir "$data" 2>/dev/null | web_key_of)"
web_start_server web-load "$url" "$work/server.log" env Threshold__RequestsPerSecondPerClient=100000000 "$root/threshold" serve --urls "$url" --data-dir "$data"

timeline="$url/api/v1/timeline?policy=proclamation-10773&series=ten-years"
echo "timeline bytes: $(curl -s "$timeline" | wc -c)"
curl -sf "$timeline" >/dev/null  # warm the caches and the JIT
# Paced runs: each connection waits a fixed delay between requests (wrk's delay() hook), so the offered rate is at
# most connections x 1000 / delay_ms; as each response takes about a millisecond, a few connections more than
# target x delay / 1000 bring the achieved rate (printed as Requests/sec) to the target.
echo 'function delay() return 20 end' >"$work/pace-20ms.lua"
echo "== timeline of a 10-year daily series, paced at about 500 requests/s (12 connections x <= 50/s, $duration)"
wrk -t2 -c12 -d"$duration" --latency -s "$work/pace-20ms.lua" "$timeline" | sed -n '/Latency/,/Transfer/p'
echo "== timeline of a 10-year daily series, saturated (GET, 4 connections, $duration)"
wrk -t2 -c4 -d"$duration" --latency "$timeline" | sed -n '/Latency/,/Transfer/p'

cat >"$work/screen.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = "$key"
wrk.body = '{"id":"c1","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE","manifestsFear":true}'
LUA
screen="$url/api/v1/screen?policy=proclamation-10773&series=ten-years"
{ cat "$work/screen.lua"; echo 'function delay() return 10 end'; } >"$work/screen-paced.lua"
echo "== single-case screening, paced at about 2,000 requests/s (23 connections x <= 100/s, $duration)"
wrk -t2 -c23 -d"$duration" --latency -s "$work/screen-paced.lua" "$screen" | sed -n '/Latency/,/Transfer/p'
echo "== single-case screening, saturated (POST, 16 connections, $duration)"
wrk -t2 -c16 -d"$duration" --latency -s "$work/screen.lua" "$screen" | sed -n '/Latency/,/Transfer/p'

"$root/threshold" cases generate --month 2024-07 --count 200000 --seed 1 --out "$work/cases.jsonl" >/dev/null 2>&1
echo "== bulk screening: 200,000 SYNTHETIC cases ($(wc -c <"$work/cases.jsonl") bytes of JSONL)"
curl -s -o "$work/results.jsonl" -w "status %{http_code}, %{time_total} s total, %{size_download} bytes out\n" \
  -H "X-Api-Key: $key" -H "Content-Type: application/x-ndjson" --data-binary "@$work/cases.jsonl" "$url/api/v1/screen/bulk?policy=proclamation-10773&series=ten-years"
echo "results: $(wc -l <"$work/results.jsonl") lines"
