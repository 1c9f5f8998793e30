#!/usr/bin/env bash
# Soak of the web service with wrk on loopback: a bounded run (DURATION seconds, default 600) of a mix of reads,
# single screens and small recorded bulk screens (ledger allocations), in segments of at most 60 s, sampling the
# server's resident memory every 10 s. Prints, per segment and in total: requests/s, p50/p99 latency, and the count of
# every non-2xx status; then the RSS samples; then verifies the audit chain once and checks that no key reached the
# server's log. Exits 1 when any status other than 2xx or 429 appears, or a key is logged. Not a test.
# (Verifying the whole chain is O(entries) and is left out of the request mix; the ledger read is O(allocations).)
#
#   bench/web-soak.sh [DURATION_SECONDS]
#
# Reuses the build of ./threshold (copied to a temporary folder first, so rebuilding the worktree during a run does
# not swap the server's assemblies under it). The mix, per request (wrk's request() hook, one Lua state per thread):
#   33% GET timeline (bundled series), 10% GET policies, 10% GET the recorded ledger, 2% GET series and imports,
#   40% POST one case (analyst), 5% POST /screen/bulk?record=true with 5 new cases (operator).
# Each connection is paced (delay() of DELAY_MS, default 10), so the offered load is at most
# CONNECTIONS x 1000 / DELAY_MS requests/s (default 8 connections: <= 800/s), leaving the shared machine usable.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-600}"
case "$duration" in '' | *[!0-9]*) echo "web-soak: DURATION must be whole seconds, got '$duration'" >&2; exit 2 ;; esac
[ "$duration" -ge 10 ] || { echo "web-soak: DURATION must be at least 10 s" >&2; exit 2; }
port="${THRESHOLD_BENCH_PORT:-5182}"
connections="${SOAK_CONNECTIONS:-8}"
delay_ms="${SOAK_DELAY_MS:-10}"
url="http://127.0.0.1:$port"
work="$(mktemp -d)"
trap 'if [ -n "${sampler_pid:-}" ]; then kill "$sampler_pid" 2>/dev/null || true; fi; if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

# shellcheck source=bench/web-server.sh
. "$root/bench/web-server.sh"
web_require_wrk web-soak

"$root/threshold" --help >/dev/null  # build once
cp -r "$root/.threshold-build" "$work/app"
cli=(dotnet "$work/app/threshold.dll")
data="$work/data"
analyst="$("${cli[@]}" keys create --name soak-analyst --role analyst --data-dir "$data" 2>/dev/null | web_key_of)"
operator="$("${cli[@]}" keys create --name soak-operator --role operator --data-dir "$data" 2>/dev/null | web_key_of)"
web_start_server web-soak "$url" "$work/server.log" "${cli[@]}" serve --urls "$url" --data-dir "$data"
# server_pid is the server process itself (dotnet), whose RSS is sampled.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0; }
# RSS split: anonymous memory (the GC heap, native allocations) and file-backed pages (assemblies, SQLite's shared WAL index).
rss_split_kib() { awk '/^RssAnon:/ {a=$2} /^RssFile:/ {f=$2} /^RssShmem:/ {s=$2} END {print a+0, f+s}' "/proc/$server_pid/status" 2>/dev/null || echo "0 0"; }
echo "server pid $server_pid, RSS after start: $(( $(rss_kib) / 1024 )) MiB"

cat >"$work/mix.lua" <<LUA
-- One Lua state per wrk thread: thread ids keep recorded case ids unique across threads.
counts = {}      -- global: read by done() through thread:get
thread_tag = "t" -- global: set per thread by setup()
local sequence = 0
local analyst = { ["X-Api-Key"] = "$analyst", ["Content-Type"] = "application/json" }
local operator = { ["X-Api-Key"] = "$operator", ["Content-Type"] = "application/x-ndjson" }
local reader = { ["X-Api-Key"] = "$analyst" }
local one_case = '{"id":"c1","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE","manifestsFear":true}'
local nationalities = { "VE", "CU", "NI", "HT", "EC", "MX", "GT", "CO" }
local threads = {}
local next_tag = 0

function setup(thread)
  next_tag = next_tag + 1
  thread:set("thread_tag", "t" .. next_tag)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + #thread_tag)
end

function delay()
  return $delay_ms
end

local function recorded_batch()
  local lines = {}
  for i = 1, 5 do
    sequence = sequence + 1
    local day = 1 + (sequence % 28)
    lines[i] = string.format('{"id":"soak-%s-%d","enteredAt":"2024-07-%02dT10:00:00-04:00","place":"between-ports","citizenship":"%s","manifestsFear":false}',
      thread_tag, sequence, day, nationalities[1 + (sequence % #nationalities)])
  end
  return table.concat(lines, "\n") .. "\n"
end

function request()
  local r = math.random(100)
  if r <= 33 then return wrk.format("GET", "/api/v1/timeline?policy=proclamation-10773", reader)
  elseif r <= 43 then return wrk.format("GET", "/api/v1/policies", reader)
  elseif r <= 53 then return wrk.format("GET", "/api/v1/returns/ledger", reader)
  elseif r <= 55 then return wrk.format("GET", "/api/v1/series", reader)
  elseif r <= 95 then return wrk.format("POST", "/api/v1/screen?policy=proclamation-10773", analyst, one_case)
  else return wrk.format("POST", "/api/v1/screen/bulk?policy=proclamation-10773&record=true", operator, recorded_batch())
  end
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, n in pairs(c) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, status .. "=" .. n) end
  table.sort(parts)
  io.write(string.format("SEGMENT requests=%d seconds=%.1f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d statuses=%s\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ",")))
end
LUA

# Warm the JIT and the caches before measuring.
curl -sf -H "X-Api-Key: $analyst" "$url/api/v1/timeline?policy=proclamation-10773" >/dev/null

( start=$SECONDS; while kill -0 "$server_pid" 2>/dev/null; do echo "$((SECONDS - start)) $(rss_kib) $(rss_split_kib)"; sleep 10; done ) >"$work/rss.txt" &
sampler_pid=$!

echo "== soak: ${duration} s, $connections connections paced at ${delay_ms} ms (<= $((connections * 1000 / delay_ms)) requests/s offered)"
remaining=$duration
segment_no=0
while [ "$remaining" -gt 0 ]; do
  segment=$(( remaining < 60 ? remaining : 60 ))
  segment_no=$((segment_no + 1))
  line="$(wrk -t2 -c"$connections" -d"${segment}s" --timeout 10s -s "$work/mix.lua" "$url" | grep '^SEGMENT')"
  echo "segment $segment_no (${segment} s, ending at $((duration - remaining + segment)) s): ${line#SEGMENT }"
  echo "$line" >>"$work/segments.txt"
  remaining=$((remaining - segment))
done
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=

echo "== RSS of the server (seconds since the soak began, MiB: total, of which anonymous and file-backed)"
awk '{ printf "%s s: %.1f MiB (anonymous %.1f, file %.1f)\n", $1, $2 / 1024, $3 / 1024, $4 / 1024 }' "$work/rss.txt"
echo "== totals"
statuses_ok=0
python3 - "$work/segments.txt" <<'PY' || statuses_ok=1
import re, sys
requests = seconds = 0.0
statuses, p99 = {}, []
for line in open(sys.argv[1]):
    fields = dict(f.split('=', 1) for f in line.split()[1:])
    requests += float(fields['requests']); seconds += float(fields['seconds']); p99.append(float(fields['p99_ms']))
    for part in filter(None, fields['statuses'].split(',')):
        status, n = part.split('=')
        statuses[status] = statuses.get(status, 0) + int(n)
print(f"requests {int(requests)}, {requests / seconds:.1f} requests/s over {seconds:.0f} s; p99 per segment {min(p99):.2f} to {max(p99):.2f} ms")
print("statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
bad = {s: n for s, n in statuses.items() if not (s.startswith('2') or s == '429')}
if bad:
    print("web-soak: statuses other than 2xx and 429: " + ", ".join(f"{s}: {n}" for s, n in sorted(bad.items())))
    sys.exit(1)
PY
curl -sf -H "X-Api-Key: $analyst" "$url/api/v1/returns/ledger" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("ledger allocations recorded:", d.get("events", d.get("result", {}).get("events")))'
curl -sf -H "X-Api-Key: $analyst" "$url/api/v1/audit/verify" | python3 -c 'import json,sys; print("audit chain:", json.dumps(json.load(sys.stdin))[:300])'
if grep -qF -e "$analyst" -e "$operator" "$work/server.log"; then echo "web-soak: an API key appears in the server's log" >&2; exit 1; fi
echo "server log: $(wc -l <"$work/server.log") lines, no API key in it"
if grep -qiE ' (fail|crit)|exception' "$work/server.log"; then echo "== server log warnings"; grep -iE ' (fail|crit)|exception' "$work/server.log" | head -20; fi
exit "$statuses_ok"
