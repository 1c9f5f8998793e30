#!/usr/bin/env bash
# Issue 15: the resident memory of a real server (./threshold serve) that refuses a 54 KB scenario of 1,000 policies,
# which once ran a server out of memory. Prints the server's RSS after start, after one refusal (warm), after 50 more,
# and its peak (VmHWM). Usage: tests/Threshold.Web.Tests/scripts/scenario-memory.sh [PORT]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
port="${1:-5391}"
data="$(mktemp -d)"
scenario="$data/many.yaml"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

{
  printf 'name: many\nhorizon: { start: 2024-06-05, years: 1 }\nparameters: {}\npolicies:\n'
  for i in $(seq 0 999); do printf '  - id: proclamation-10773\n    label: reform-%d-of-10773\n' "$i"; done
} >"$scenario"

key="$("$root/threshold" keys create --name memory --role analyst --data-dir "$data" 2>/dev/null | sed -n 's/.*"key": *"\([^"]*\)".*/\1/p')"
"$root/threshold" serve --urls "http://127.0.0.1:$port" --data-dir "$data" >"$data/serve.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.5; done

kib() { awk -v f="$1" '$1 == f":" { print $2 }' "/proc/$pid/status"; }
post() { curl -s -o "$data/answer.json" -w '%{http_code}' -H "X-Api-Key: $key" -H 'Content-Type: application/yaml' --data-binary "@$scenario" "http://127.0.0.1:$port/api/v1/simulation"; }

echo "scenario: $(wc -c <"$scenario") bytes, 1000 policies"
echo "after start:        RSS $(kib VmRSS) KiB"
echo "first refusal:      HTTP $(post), RSS $(kib VmRSS) KiB"
echo "answer:             $(cat "$data/answer.json")"
for _ in $(seq 1 50); do post >/dev/null; done
echo "after 50 more:      RSS $(kib VmRSS) KiB"
echo "peak (VmHWM):       $(kib VmHWM) KiB"
