#!/usr/bin/env bash
# Fuzzes one parser of Threshold with afl-fuzz for a bounded time, then prints its summary.
#   fuzz/run.sh TARGET SECONDS      e.g. fuzz/run.sh case-csv 180
# Targets: see `fuzz/run.sh --list`. Outputs go to fuzz/out/ (ignored by git): the instrumented harness in
# fuzz/out/publish, seeds in fuzz/out/seeds/TARGET, afl-fuzz's findings in fuzz/out/findings/TARGET (crashes/, hangs/).
# Replay a finding with the uninstrumented build (instrumented code runs only under afl-fuzz):
#   dotnet run --project fuzz/Threshold.Fuzz -c Release -- TARGET fuzz/out/findings/TARGET/default/crashes/id*
# Set FUZZ_SKIP_PUBLISH=1 to reuse an instrumented harness that is already published (run-all.sh does).
# Not for CI: it runs for as long as it is told to.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="$here/out"
publish="$out/publish"

if [[ "${1:-}" == "--list" ]]; then
  sed -n 's/^ *\["\([a-z-]*\)"\] = .*/\1/p' "$here/Threshold.Fuzz/FuzzTargets.cs"
  exit 0
fi
if [[ $# -ne 2 || ! "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: fuzz/run.sh TARGET SECONDS (targets: fuzz/run.sh --list)" >&2
  exit 2
fi
target="$1"
seconds="$2"
if ! "$0" --list | grep -qx "$target"; then
  echo "unknown target '$target'; the targets are: $("$0" --list | tr '\n' ' ')" >&2
  exit 2
fi

if ! command -v afl-fuzz >/dev/null; then
  apt-get install -y afl++ >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y afl++ >/dev/null; }
fi

if [[ "${FUZZ_SKIP_PUBLISH:-}" != 1 || ! -f "$publish/.instrumented" ]]; then
  (cd "$here" && dotnet tool restore >/dev/null)
  rm -rf "$publish"
  dotnet publish "$here/Threshold.Fuzz/Threshold.Fuzz.csproj" -c Release -o "$publish" --nologo -v quiet >/dev/null
  # Instrument the product's assemblies (not the harness, not the libraries): afl-fuzz then sees their branches.
  for dll in "$publish"/Threshold.*.dll; do
    [[ "$(basename "$dll")" == Threshold.Fuzz.dll ]] && continue
    (cd "$here" && dotnet tool run sharpfuzz "$dll" >/dev/null)
  done
  touch "$publish/.instrumented"
fi

# Seeds: the committed hand-written ones (fuzz/seeds/TARGET) plus small slices of the real files. afl-fuzz works
# best on inputs of a few KB, so big files contribute their header and a few rows.
seeds="$out/seeds/$target"
rm -rf "$seeds"
mkdir -p "$seeds"
if [[ -d "$here/seeds/$target" ]]; then cp "$here/seeds/$target"/* "$seeds/"; fi
slice() { head -n "$2" "$1" > "$seeds/$3"; }
case "$target" in
  encounter-csv)
    slice "$repo/data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv" 40 modeled-head.csv
    { head -n 1 "$repo/data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv" | grep '^#' || true
      grep -v '^#' "$repo/data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv" | head -n 1
      grep -v '^#' "$repo/data/modeled/daily_encounters_2024-01-01_2025-01-19.modeled.csv" | tail -n 10; } > "$seeds/modeled-tail.csv"
    ;;
  cbp-sbo-csv)
    slice "$repo/data/source/cbp_sbo_encounters_fy22_fy25_aug.csv" 25 fy22-fy25.csv
    slice "$repo/data/source/cbp_sbo_encounters_fy20_fy23feb_tableau_scrape.csv" 25 tableau.csv
    ;;
  khsm-csv)
    for f in "$repo"/data/source/usbp_khsm_monthly_region*_fy2000_fy2025nov.csv; do
      slice "$f" 25 "$(basename "$f" .csv | sed 's/usbp_khsm_monthly_//').csv"
    done
    ;;
  policy-yaml)
    cp "$repo"/law/policies/*.yaml "$repo"/tests/*/LawCases/conflict.yaml "$seeds/"
    ;;
  reform)
    for f in "$repo"/law/policies/*.yaml; do
      name="$(basename "$f" .yaml)"
      case "$name" in
        hr2-2023) extra=$'determination=2024-07-01=active\ninForce=2024-06-05' ;;
        senate-border-act-2024) extra=$'set=activate.threshold=5000\ninForce=2024-06-05' ;;
        *) extra=$'set=average.window_days=14\ncourtOrder=streak-enjoined=2024-11-01' ;;
      esac
      { cat "$f"; printf '\n%%%%\n%s\n' "$extra"; } > "$seeds/$name.reform"
    done
    ;;
  arrangement-yaml)
    cp "$repo"/law/arrangements/*.yaml "$seeds/"
    ;;
  scenario-yaml | scenario-upload)
    cp "$repo"/scenarios/*.yaml "$seeds/"
    ;;
esac

findings="$out/findings/$target"
rm -rf "$findings"
mkdir -p "$findings"
# -t: an input that takes longer than this many ms is a hang (every parser here answers in milliseconds).
# -V: stop after SECONDS. AFL_NO_AFFINITY: the machine's cores are shared; do not pin one.
AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 \
AFL_FORKSRV_INIT_TMOUT=60000 AFL_SKIP_CRASHES=1 \
  afl-fuzz -i "$seeds" -o "$findings" -t "${FUZZ_TIMEOUT_MS:-5000}" -m none -V "$seconds" \
  -- dotnet "$publish/Threshold.Fuzz.dll" "$target" > "$findings/afl.log" 2>&1 || {
    echo "afl-fuzz failed for $target; the end of its log ($findings/afl.log):" >&2
    tail -n 30 "$findings/afl.log" >&2
    exit 1
  }

"$here/summary.sh" "$target"
