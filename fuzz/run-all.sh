#!/usr/bin/env bash
# Fuzzes every target in turn (one at a time: the machine has two shared cores), SECONDS_EACH seconds each, then
# prints the table recorded in docs/reliability.md.
#   fuzz/run-all.sh SECONDS_EACH       e.g. fuzz/run-all.sh 180
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ $# -ne 1 || ! "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: fuzz/run-all.sh SECONDS_EACH" >&2
  exit 2
fi
mapfile -t targets < <("$here/run.sh" --list)
first=1
for target in "${targets[@]}"; do
  if [[ $first == 1 ]]; then
    "$here/run.sh" "$target" "$1" >/dev/null
    first=0
  else
    FUZZ_SKIP_PUBLISH=1 "$here/run.sh" "$target" "$1" >/dev/null
  fi
done
"$here/summary.sh" --header "${targets[@]}"
