#!/usr/bin/env bash
# Start-up of the CLI, as a whole process: `threshold policies` (the target is 150 ms, median of 5), the help alone
# (the floor of any command), and `simulate --paths 1`, each run 5 times after one warm-up, median and all runs
# printed in milliseconds. Measures the build in .threshold-build (what ./threshold runs), building it when stale.
#
#   bench/startup.sh            # prints one line per command: median and the five runs
#
# Recorded in docs/performance.md with the machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./threshold policies --format json >/dev/null # builds when stale; also the warm-up
dll="$root/.threshold-build/threshold.dll"
measure() {
  local label="$1"; shift
  "$@" >/dev/null 2>&1 || true # warm-up (disk cache)
  local runs=()
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    runs+=($(( (t1 - t0) / 1000000 )))
  done
  local median
  median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p)
  echo "$label: median ${median} ms (runs: ${runs[*]} ms)"
}
# The floor: the host, Spectre's parse and the command table, with no command run.
measure "threshold --help" dotnet "$dll" --help
measure "threshold policies --help" dotnet "$dll" policies --help
measure "threshold policies" dotnet "$dll" policies
measure "threshold policies --format json" dotnet "$dll" policies --format json
measure "threshold simulate --paths 1" dotnet "$dll" simulate scenarios/baseline-2026.yaml --paths 1 --no-charts --no-sensitivity --out "$(mktemp -d)"
