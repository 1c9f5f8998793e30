#!/usr/bin/env bash
# Issue 15: memory and time of `audit verify` on a large record, alone and 16 at once, through the CLI (16 processes)
# and through one server (16 concurrent GET /api/v1/audit/verify, which the heavy-job queue runs one at a time).
# Usage: bench/scripts/verify-memory.sh DATA_DIR [PORT]
#   DATA_DIR holds threshold.db, e.g. built with
#     ./threshold cases generate --month 2024-07 --count 1000000 --seed 7 --out /tmp/big/cases.jsonl
#     ./threshold screen --policy proclamation-10773 --encounters data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv \
#         --cases /tmp/big/cases.jsonl --record --data-dir /tmp/big/rec > /dev/null
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:?usage: verify-memory.sh DATA_DIR [PORT]}"
port="${2:-5393}"
out="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$out"' EXIT

"$root/threshold" --version >/dev/null 2>&1 || true   # build once, outside the timings
echo "record: $(du -h "$data/threshold.db" | cut -f1), $(sqlite3 "$data/threshold.db" 'SELECT COUNT(*) FROM screening_decision') decisions, $(sqlite3 "$data/threshold.db" 'SELECT COUNT(*) FROM audit_log') entries"

/usr/bin/time -f '%e %M' -o "$out/one.time" "$root/threshold" audit verify --data-dir "$data" >"$out/one.out"
read -r secs kib <"$out/one.time"
echo "one CLI verify:      ${secs} s, peak RSS $((kib / 1024)) MiB: $(head -1 "$out/one.out")"

start=$(date +%s.%N)
for i in $(seq 1 16); do
  /usr/bin/time -f '%e %M' -o "$out/many.$i.time" "$root/threshold" audit verify --data-dir "$data" >"$out/many.$i.out" 2>&1 &
done
wait
end=$(date +%s.%N)
sort -n -k2 "$out"/many.*.time | awk -v wall="$(echo "$end - $start" | bc)" '
  { m[NR] = $2; total += $2; if (NR == 1 || $1 < tmin) tmin = $1; if ($1 > tmax) tmax = $1 }
  END { printf "16 CLI verifies:     all done in %.1f s; each %.1f–%.1f s; peak RSS per process median %d MiB, max %d MiB, sum %d MiB\n", wall, tmin, tmax, m[int((NR + 1) / 2)] / 1024, m[NR] / 1024, total / 1024 }'
grep -L '^verified' "$out"/many.*.out | sed 's/^/NOT VERIFIED: /' || true

"$root/threshold" serve --urls "http://127.0.0.1:$port" --data-dir "$data" >"$out/serve.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.5; done
kib() { awk -v f="$1" '$1 == f":" { print $2 }' "/proc/$pid/status"; }
echo "server after start:  RSS $(( $(kib VmRSS) / 1024 )) MiB"
start=$(date +%s.%N)
curls=()
for i in $(seq 1 16); do
  curl -s -o "$out/web.$i.json" -w '%{http_code}\n' "http://127.0.0.1:$port/api/v1/audit/verify" >"$out/web.$i.code" &
  curls+=("$!")
done
wait "${curls[@]}"   # not the server
end=$(date +%s.%N)
echo "16 web verifies:     $(cat "$out"/web.*.code | sort | uniq -c | awk '{printf "%s×HTTP %s ", $1, $2}')in $(echo "$end - $start" | bc) s; server RSS now $(( $(kib VmRSS) / 1024 )) MiB, peak $(( $(kib VmHWM) / 1024 )) MiB"
