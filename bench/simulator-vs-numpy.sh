#!/usr/bin/env bash
# The C# simulator against a vectorised numpy reference of the same flow model, on the same workload, in one run
# (issue 18, item 6): 10,000 paths x 3 years (1,095 days) x 3 policies of scenarios/baseline-2024.yaml, about
# 33 M path-day-steps. Prints each figure and the ratios per core. Run from anywhere:
#
#   bench/simulator-vs-numpy.sh [--quick]
#
# In order:
#   1. numpy, in-process: bench/numpy/flow_model.py --repeat 3 on one core (taskset -c 0); median of the three runs.
#      The timing covers the draws and the day loops of the three policies, not the interpreter's start or numpy's import.
#   2. numpy, whole process: the same script with --repeat 1 under /usr/bin/time (start-up and import included).
#   3. C#, in-process: BenchmarkDotNet's SimulationBenchmarks (1 and 2 threads; MonteCarlo.Run, data loading and the
#      screening tables outside the timing), medians from its CSV report. It runs in the host process
#      (THRESHOLD_BENCH_INPROCESS=1, the default here; set it to 0 for BenchmarkDotNet's own generated process).
#   4. C#, whole process: ./threshold simulate scenarios/baseline-2024.yaml --paths 10000 --no-sensitivity --no-charts
#      --threads 1 (and 2) under /usr/bin/time, after one unmeasured run that builds the CLI if needed.
# "Per core": the numpy script uses one core; the C# time on N threads is counted as N core-times.
# --quick skips the BenchmarkDotNet step (3) and reads the C# in-process figure from nothing: only whole processes.
# The numpy reference's simplifications are listed at the top of bench/numpy/flow_model.py and in docs/performance.md.
# PYTHON (default /usr/bin/python3, Debian's, with python3-numpy) selects the interpreter.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-/usr/bin/python3}"
quick=false
[ "${1:-}" = "--quick" ] && quick=true
if ! "$python" -c "import numpy" 2>/dev/null; then
  echo "simulator-vs-numpy.sh: $python cannot import numpy; install Debian's package: apt-get install python3-numpy" >&2
  exit 2
fi
[ -x /usr/bin/time ] || { echo "simulator-vs-numpy.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $("$python" -c 'import numpy, sys; print("numpy", numpy.__version__, "python", sys.version.split()[0])')"

# 1. numpy in-process, one core, median of three.
"${pin[@]}" "$python" bench/numpy/flow_model.py --paths 10000 --repeat 3 | tee "$work/numpy.txt"
numpy_in=$(grep '^numpy-in-process' "$work/numpy.txt" | awk '{print $4}' | sort -n | sed -n 2p)

# 2. numpy whole process.
/usr/bin/time -f '%e %M' -o "$work/numpy-time" "${pin[@]}" "$python" bench/numpy/flow_model.py --paths 10000 --repeat 1 > /dev/null
read -r numpy_whole numpy_rss < "$work/numpy-time"
echo "numpy-whole-process: ${numpy_whole} s, peak RSS $((numpy_rss / 1024)) MB"

# 3. C# in-process (BenchmarkDotNet).
cs_in1="" cs_in2="" lanes_in1="" lanes_in2=""
if [ "$quick" = false ]; then
  THRESHOLD_BENCH_INPROCESS="${THRESHOLD_BENCH_INPROCESS:-1}" dotnet run -c Release --project bench/Threshold.Benchmarks -- --filter '*SimulationBenchmarks*' > "$work/bdn.log" 2>&1 || { tail -30 "$work/bdn.log" >&2; exit 1; }
  report=$(ls -t bench/Threshold.Benchmarks/BenchmarkDotNet.Artifacts/results/*SimulationBenchmarks-report.csv | head -1)
  read -r cs_in1 cs_in2 lanes_in1 lanes_in2 < <("$python" - "$report" <<'EOF'
import csv, sys
units = {"ns": 1e-9, "us": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0}
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
def seconds(text):
    value, unit = text.replace(",", "").split()
    return float(value) * units[unit]
# The scalar kernel (what simulate runs by default); the lane kernel's rows are printed beside it.
by = {(r.get("Kernel", "scalar"), r["Threads"]): seconds(r["Median"]) for r in rows}
print(f"{by[('scalar', '1')]:.3f} {by[('scalar', '2')]:.3f} {by.get(('lanes', '1'), float('nan')):.3f} {by.get(('lanes', '2'), float('nan')):.3f}")
EOF
)
  echo "csharp-in-process (BenchmarkDotNet median, scalar kernel): 1 thread ${cs_in1} s, 2 threads ${cs_in2} s"
  echo "csharp-in-process (BenchmarkDotNet median, lane kernel): 1 thread ${lanes_in1} s, 2 threads ${lanes_in2} s"
fi

# 4. C# whole process.
./threshold simulate scenarios/baseline-2024.yaml --paths 10000 --no-sensitivity --no-charts --threads 1 --out "$work/warm" > /dev/null
for threads in 1 2; do
  /usr/bin/time -f '%e %M' -o "$work/cs-time-$threads" ./threshold simulate scenarios/baseline-2024.yaml --paths 10000 --no-sensitivity --no-charts --threads "$threads" --out "$work/out-$threads" > /dev/null
done
read -r cs_whole1 cs_rss1 < "$work/cs-time-1"
read -r cs_whole2 cs_rss2 < "$work/cs-time-2"
echo "csharp-whole-process (./threshold simulate): 1 thread ${cs_whole1} s (peak RSS $((cs_rss1 / 1024)) MB), 2 threads ${cs_whole2} s"

# Ratios: numpy seconds on one core / C# core-seconds; above 1 means the C# simulator is faster per core.
"$python" - "$numpy_in" "$numpy_whole" "${cs_in1:-nan}" "${cs_in2:-nan}" "$cs_whole1" "$cs_whole2" "${lanes_in1:-nan}" "${lanes_in2:-nan}" <<'EOF'
import sys
numpy_in, numpy_whole, in1, in2, whole1, whole2, lanes1, lanes2 = map(float, sys.argv[1:])
steps = 10000 * 1095 * 3
def line(name, numpy_s, cs_s, cores):
    if cs_s != cs_s:
        return
    print(f"ratio {name}: numpy {numpy_s:.3f} s on 1 core / C# {cs_s:.3f} s x {cores} core(s) = {numpy_s / (cs_s * cores):.2f}x per core"
          f" (C# {steps / cs_s / 1e6:.1f} M path-day-steps/s, numpy {steps / numpy_s / 1e6:.1f} M)")
line("in-process, C# 1 thread", numpy_in, in1, 1)
line("in-process, C# 2 threads", numpy_in, in2, 2)
line("in-process, C# lane kernel 1 thread", numpy_in, lanes1, 1)
line("in-process, C# lane kernel 2 threads", numpy_in, lanes2, 2)
line("whole process, C# 1 thread", numpy_whole, whole1, 1)
line("whole process, C# 2 threads", numpy_whole, whole2, 2)
EOF
