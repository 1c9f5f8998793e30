#!/usr/bin/env bash
# Prints one summary row per fuzzed target from afl-fuzz's fuzzer_stats (fuzz/out/findings/TARGET/default).
#   fuzz/summary.sh [--header] TARGET...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ "${1:-}" == "--header" ]]; then
  echo "| target | executions | run time (s) | execs/s | corpus | crashes | hangs |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  shift
fi
for target in "$@"; do
  stats="$here/out/findings/$target/default/fuzzer_stats"
  if [[ ! -f "$stats" ]]; then
    echo "| $target | no fuzzer_stats (did it run?) | | | | | |"
    continue
  fi
  value() { sed -n "s/^$1 *: *//p" "$stats"; }
  start="$(value start_time)"; last="$(value last_update)"
  runtime="$(value run_time)"; [[ -n "$runtime" ]] || runtime=$((last - start))
  crashes="$(value saved_crashes)"; [[ -n "$crashes" ]] || crashes="$(value unique_crashes)"
  hangs="$(value saved_hangs)"; [[ -n "$hangs" ]] || hangs="$(value unique_hangs)"
  corpus="$(value corpus_count)"; [[ -n "$corpus" ]] || corpus="$(value paths_total)"
  echo "| $target | $(value execs_done) | $runtime | $(value execs_per_sec) | $corpus | $crashes | $hangs |"
done
