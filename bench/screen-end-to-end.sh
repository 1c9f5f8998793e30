#!/usr/bin/env bash
# End-to-end throughput of `threshold screen --cases` on a synthetic JSONL file: generates N cases (default
# 10,000,000), screens them with /usr/bin/time -v, prints cases/s, max RSS and output bytes a line, then deletes the
# files. The output goes to /dev/shm when it has room for it (about 0.5 KB a case with the default shared explanations), else beside the input.
# Usage: bench/screen-end-to-end.sh [N] [TIMEOUT_SECONDS]      (env: BENCH_DIR to choose the scratch directory)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-10000000}"
limit="${2:-1200}"
bytes_per_line=600    # a little over the measured ~500 bytes of output a case (shared explanations)
input_per_line=140

scratch="${BENCH_DIR:-${TMPDIR:-/tmp}}"
work="$(mktemp -d "$scratch/threshold-screen-bench.XXXXXX")"
trap 'rm -rf "$work" "${outdir:-/nonexistent}/threshold-screen-bench.$$.jsonl" "${outdir:-/nonexistent}/.threshold-screen-bench.$$.jsonl."*.tmp' EXIT

free_kb() { df -Pk "$1" | awk 'NR==2 {print $4}'; }
need_in_kb=$(( n * input_per_line / 1024 + 1024 ))
need_out_kb=$(( n * bytes_per_line / 1024 + 1024 ))
if [ "$(free_kb "$work")" -lt "$need_in_kb" ]; then
  echo "not enough space in $work for the input (${need_in_kb} KB)" >&2; exit 1
fi
# /dev/shm uses memory: take it only when the output fits with 2 GB to spare.
if [ -d /dev/shm ] && [ "$(free_kb /dev/shm)" -gt $(( need_out_kb + 2 * 1024 * 1024 )) ] \
   && [ "$(awk '/MemAvailable/ {print $2}' /proc/meminfo)" -gt $(( need_out_kb + need_in_kb + 2 * 1024 * 1024 )) ]; then
  outdir=/dev/shm
elif [ "$(free_kb "$work")" -gt $(( need_in_kb + need_out_kb )) ]; then
  outdir="$work"
else
  echo "not enough space for ${n} cases of output (${need_out_kb} KB) in /dev/shm or $work; pass a smaller N" >&2; exit 1
fi
out="$outdir/threshold-screen-bench.$$.jsonl"
cases="$work/cases.jsonl"

"$root/threshold" --help >/dev/null 2>&1 || true   # builds the CLI if needed, outside the timing
echo "generating $n synthetic cases into $cases ..." >&2
timeout "$limit" "$root/threshold" cases generate --month 2024-07 --count "$n" --seed 7 --out "$cases" >/dev/null 2>"$work/generate.txt" \
  || { cat "$work/generate.txt" >&2; exit 1; }

echo "screening (output: $out) ..." >&2
cd "$root"
start=$(date +%s.%N)
timeout "$limit" /usr/bin/time -v -o "$work/time.txt" ./threshold screen --policy proclamation-10773 \
  --encounters data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv --cases "$cases" --out "$out" 2>"$work/stderr.txt" \
  || { cat "$work/stderr.txt" "$work/time.txt" >&2; exit 1; }
end=$(date +%s.%N)

lines=$(wc -l <"$out")
out_bytes=$(stat -c %s "$out")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/time.txt")
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
cpu=$(awk -F': ' '/Percent of CPU/ {print $2}' "$work/time.txt")
[ "$lines" -eq "$n" ] || { echo "expected $n output lines, got $lines" >&2; exit 1; }
awk -v n="$n" -v w="$wall" -v rss="$rss_kb" -v b="$out_bytes" -v cpu="$cpu" -v dir="$outdir" 'BEGIN {
  rate = n / w
  printf "cases            %d\n", n
  printf "output dir       %s\n", dir
  printf "wall             %.2f s (CPU %s)\n", w, cpu
  printf "throughput       %.0f cases/s  (target >= 500000: %s)\n", rate, (rate >= 500000 ? "met" : "NOT met")
  printf "max RSS          %.1f MB  (target < 300 MB: %s)\n", rss / 1024, (rss / 1024 < 300 ? "met" : "NOT met")
  printf "output           %.0f bytes, %.0f bytes a line\n", b, b / n
}'
