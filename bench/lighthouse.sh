#!/usr/bin/env bash
# Lighthouse scores of every dashboard page (accessibility, performance, best practices), with Lighthouse from
# tools/lighthouse (pinned in its package-lock.json, installed with `npm ci` when missing) driving Debian's chromium
# headless. Not a test: a measurement, printed and written to TestResults/lighthouse/ (the JSON report of each run and
# scores.tsv). Each page is scored THRESHOLD_LIGHTHOUSE_RUNS times (default 3) and every figure is the median of its
# runs, since the scores of one run move with the machine's load; the load average is printed beside each page.
# Targets, on the medians: accessibility 100, performance and best practices 90 or more. Prints PASS or FAIL for each
# page and exits 1 when a page misses a target.
#
#   bench/lighthouse.sh [PAGE...]        default: every page (/ /monitor /law-timeline /compare /simulate /screen
#                                         /returns /data /audit /signin)
#
# Environment: CHROME_PATH (default /usr/bin/chromium), THRESHOLD_BENCH_PORT (default 5183), THRESHOLD_LIGHTHOUSE_URL
# (score a server already running there instead of starting one), THRESHOLD_LIGHTHOUSE_PRESET (desktop, the default,
# or mobile), THRESHOLD_LIGHTHOUSE_RUNS (runs a page, default 3). The server is ./threshold serve over a fresh
# temporary record, so the pages show the bundled series, as a first user sees them. The desktop preset (no CPU
# slowdown, a fast connection) because the dashboard is laid out for a laptop's width; mobile applies Lighthouse's
# simulated slow 4G and 4x slower CPU.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${THRESHOLD_BENCH_PORT:-5183}"
url="${THRESHOLD_LIGHTHOUSE_URL:-http://127.0.0.1:$port}"
preset="${THRESHOLD_LIGHTHOUSE_PRESET:-desktop}"
runs="${THRESHOLD_LIGHTHOUSE_RUNS:-3}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "lighthouse: THRESHOLD_LIGHTHOUSE_RUNS=$runs must be a whole number of runs, 1 or more" >&2; exit 2; }
case "$preset" in desktop) preset_flag=(--preset=desktop) ;; mobile) preset_flag=() ;; *) echo "lighthouse: THRESHOLD_LIGHTHOUSE_PRESET=$preset must be desktop or mobile" >&2; exit 2 ;; esac
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
out="$root/TestResults/lighthouse"
work="$(mktemp -d)"
trap 'if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

if [ $# -gt 0 ]; then pages=("$@"); else pages=(/ /monitor /law-timeline /compare /simulate /screen /returns /data /audit /signin); fi
[ -x "$CHROME_PATH" ] || { echo "lighthouse: $CHROME_PATH is missing (apt-get install chromium)" >&2; exit 1; }
command -v npm >/dev/null || { echo "lighthouse: npm is missing (apt-get install npm)" >&2; exit 1; }
lighthouse="$root/tools/lighthouse/node_modules/.bin/lighthouse"
[ -x "$lighthouse" ] || (cd "$root/tools/lighthouse" && npm ci --no-audit --no-fund >/dev/null)

if [ -z "${THRESHOLD_LIGHTHOUSE_URL:-}" ]; then
  # shellcheck source=bench/web-server.sh
  . "$root/bench/web-server.sh"
  "$root/threshold" --help >/dev/null  # build once before starting the server
  # Many audits a second from one address: the per-client limit is raised so none is refused (429) mid-run.
  web_start_server lighthouse "$url" "$work/server.log" env Threshold__RequestsPerSecondPerClient=100000 "$root/threshold" serve --urls "$url" --data-dir "$work/data"
fi

mkdir -p "$out"
printf 'page\tresult\taccessibility\tperformance\tbest_practices\ttotal_blocking_time_ms\tlargest_contentful_paint_ms\tcumulative_layout_shift\tperformance_runs\tload_average\n' >"$out/scores.tsv"
failed=0
for page in "${pages[@]}"; do
  name="$(printf '%s' "$page" | tr -c 'a-z0-9\n' '-' | sed 's/^-*//; s/-*$//')"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  reports=()
  # Warm the page once (the first request of a page compiles its code), so the score is of the page, not of start-up.
  curl -sf "$url$page" >/dev/null
  for run in $(seq 1 "$runs"); do
    report="$out/${name:-root}.$run.json"
    "$lighthouse" "$url$page" "${preset_flag[@]}" --quiet --output=json --output-path="$report" \
      --only-categories=accessibility,performance,best-practices \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" >/dev/null 2>"$work/lighthouse.log" \
      || { cat "$work/lighthouse.log" >&2; echo "lighthouse: run $run on $page failed" >&2; exit 1; }
    reports+=("$report")
    load="$load $(cut -d' ' -f1 /proc/loadavg)"
  done
  # The median of each figure over the runs; the audits that lost points are named from the run of median performance.
  line="$(node -e '
    const [page, load, ...files] = process.argv.slice(1);
    const runs = files.map(f => require(f));
    const median = xs => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
    const score = (r, k) => Math.round(r.categories[k].score * 100);
    const value = (r, k) => r.audits[k].numericValue;
    const perf = runs.map(r => score(r, "performance"));
    const figures = {
      accessibility: median(runs.map(r => score(r, "accessibility"))),
      performance: median(perf),
      practices: median(runs.map(r => score(r, "best-practices"))),
    };
    const pass = figures.accessibility >= 100 && figures.performance >= 90 && figures.practices >= 90;
    console.log([page, pass ? "PASS" : "FAIL", figures.accessibility, figures.performance, figures.practices,
      Math.round(median(runs.map(r => value(r, "total-blocking-time")))), Math.round(median(runs.map(r => value(r, "largest-contentful-paint")))),
      median(runs.map(r => value(r, "cumulative-layout-shift"))).toFixed(3), perf.join("/"), load.replace(/ /g, "/")].join("\t"));
    const typical = runs[perf.indexOf(median(perf))] || runs[0];
    for (const [k, c] of Object.entries(typical.categories)) {
      for (const ref of c.auditRefs) {
        const audit = typical.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1 && (k !== "performance" || audit.score < 0.9)) {
          console.error(`  ${page} ${k}: ${audit.id} ${audit.score} ${audit.displayValue || ""}`);
        }
      }
    }' "$page" "$load" "${reports[@]}")"
  printf '%s\n' "$line" >>"$out/scores.tsv"
  [ "$(cut -f2 <<<"$line")" = PASS ] || failed=1
done

column -t -s $'\t' "$out/scores.tsv"
echo "preset $preset; median of $runs runs a page; load average (1 min) at the start and after each run, per page; now $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $("$CHROME_PATH" --version 2>/dev/null); lighthouse $("$lighthouse" --version)"
echo "reports: $out"
[ "$failed" -eq 0 ] || { echo "lighthouse: a page is below its target (accessibility 100, performance and best practices 90)" >&2; exit 1; }
