#!/usr/bin/python3
"""A vectorised numpy reference of the simulator's flow model, for speed comparisons only (issue 18, item 6).

Everything this script prints is MODELED and is not a result of Threshold: it exists to measure how fast a
straightforward vectorised numpy program does the simulator benchmark's work (bench/Threshold.Benchmarks,
SimulationBenchmarks: scenarios/baseline-2024.yaml, 10,000 paths x 3 years x 3 policies, about 33 M
path-day-steps), so the C# simulator can be compared with it per core. bench/simulator-vs-numpy.sh runs both.

Shape of the computation (as docs/simulation.md, "The model"): arrays of PATHS paths, one loop over the days of the
horizon (42 warm-up days + 1,095), once per policy, all policies on the same random futures. Each day, for every
path at once:
  1. northbound migrants  N_t = L * level_scale * m(t) * w(t) * exp(x_t), with x a stationary log-AR(1)
     (phi 0.9904, sd 0.207, mean-corrected), the monthly seasonal factors and a weekday factor of 1;
  2. Mexico's enforcement removes the share 0.472;
  3. re-attempts: people returned to Mexico join a pool with probability 0.14 and leave it at rate 1/30 a day;
  4. deterrence: if the status was active deterrence.lag_days (7) ago, the share deterrence.effect (drawn per path
     uniformly in [0.3, 0.55], as the scenario's range) is deterred;
  5. displacement: 25 % of the deterred seek an appointment; appointments = min(1,450, 0.95 * 1,450 + displaced);
     113 unscheduled port-of-entry inadmissibles a day;
  6. counts: crossings split between ports and coast, non-contiguous unaccompanied children by place, the five
     columns rounded to whole people (round half to even, as Math.Round); each policy's counting rule;
  7. the policy's day rule: the 7-day window sums (lag 1), the deactivation level, the streak (28 days under
     10817), the 14-day wind-down and its cancellation at the activation level (10773 §2(b)), the next-day
     activation, the Senate authority's single-day and discretionary activation, its relative (75 %) level, its
     day caps by year and its sunset; the rule version switch of 2024-10-01 rebuilds the window and streak;
  8. screening and returns (simplified, below), the re-attempt pool fed from the day's returns to Mexico;
  9. outputs: days active, transitions, cap-binding days, encounters, people subject, fear referrals, returns to
     Mexico under the arrangement and overflow, the largest month, months at the cap, and P10/P50/P90 over paths of
     every horizon day's 7-day average of the policy's count and of the per-path outputs.

SIMPLIFICATIONS (what the C# simulator does that this script does not):
  - Random numbers: numpy's PCG64 normals, not the simulator's SplitMix64 stream with Marsaglia's polar method, so
    the paths differ; the work is the same.
  - Screening: fixed shares instead of the real CaseScreener table over 16 nationalities x family x fear x officer
    x place: while the suspension applies, the subject are the crossings (and, under 10773, the unscheduled port
    arrivals) less unaccompanied children (9.97 % of July 2024 USBP southwest encounters) and officer exceptions (2 %);
    24 % of them are referred to a fear screening; the rest are removable.
  - Returns: a per-day, per-path monthly counter instead of the real ReturnsLedger in weekly batches: removable
    Mexican nationals (39.4 % of July 2024 USBP southwest encounters) go to Mexico outside any cap; removable people
    of the arrangement's nationalities (an assumed 2 % before 2025-01-20, every non-Mexican from then on) go to Mexico
    up to the month's cap (30,000, then 1,000), the rest to their country of citizenship (overflow). Re-attempts
    follow the day's returns, not the batch's.
  - Mix: fixed July 2024 shares (coastal 0.39 % of crossings, 7.03 % non-contiguous unaccompanied children between
    ports and on the coast, 1 % among unscheduled port arrivals, none among appointments) instead of PopulationMix.
  - Percentiles: numpy's exact percentiles over the stored daily averages, not streaming log-linear histograms (so
    memory grows with the number of paths; the C# simulator's does not).
  - No sensitivity table, no charts, no files: the C# benchmark (MonteCarlo.Run) writes none either.
The engine's rules in step 7 are not simplified: they follow law/policies/*.yaml as the engine applies them
(docs/engine.md), for proclamation-10773, senate-border-act-2024 in force 2024-06-05, and 10773 with
deactivate.threshold 2000.

Usage: /usr/bin/python3 bench/numpy/flow_model.py [--paths N] [--seed S] [--repeat R]
Prints one line per repeat with the in-process time of the whole simulation (draws included, imports and the
constant tables excluded, as the C# benchmark excludes loading data/source), then the bands of the last repeat.
"""

import argparse
import datetime as dt
import math
import sys
import time

try:
    import numpy as np
except ImportError:
    sys.exit("flow_model.py: numpy is missing; install Debian's package: apt-get install python3-numpy")

# --- Calibration and parameters (docs/simulation.md, Parameters and Calibration) -------------------------------
SEASONAL = [0.852, 0.942, 1.166, 1.170, 1.180, 1.021, 0.916, 0.953, 0.913, 1.014, 0.971, 0.901]  # Jan..Dec
NORTHBOUND_LEVEL = 8596.0        # Q1 2024 USBP southwest deseasonalised (4,538 a day) / (1 - 0.472)
NOISE_PHI = 0.9904
NOISE_SD = 0.207
MEXICO_ENFORCEMENT = 0.472
DETERRENCE_LOW, DETERRENCE_HIGH = 0.3, 0.55   # scenarios/baseline-2024.yaml
DETERRENCE_LAG = 7
DISPLACEMENT = 0.25
APPOINTMENTS = 1450.0
BASELINE_USE = 0.95
UNSCHEDULED = 113.0
REENCOUNTER = 0.14
REENCOUNTER_DELAY = 30.0
FEAR_SHARE = 0.24
OFFICER_SHARE = 0.02

# Mix (July 2024, data/source): see SIMPLIFICATIONS.
COASTAL_SHARE = 220.0 / (56400.0 + 220.0)
UC_BETWEEN_SHARE = 3963.0 / 56400.0
UC_COASTAL_SHARE = UC_BETWEEN_SHARE
UC_APPOINTMENT_SHARE = 0.0
UC_UNSCHEDULED_SHARE = 0.01
UC_TOTAL_SHARE = 5624.0 / 56400.0
MEXICAN_SHARE = 22220.0 / 56410.0
ARRANGEMENT_SHARE_2023 = 0.02
HUMANITARIAN_FROM = dt.date(2025, 1, 20)

START = dt.date(2024, 6, 5)
YEARS = 3
WARM_UP = 42

# Day statuses, as the engine's DayStatus.
NOT_IN_FORCE, ACTIVE, INACTIVE, CAP_REACHED, EXPIRED = 0, 1, 2, 3, 4

# Counting columns: between ports, coastal, ports of entry, non-contiguous UC between ports (and coast), at ports.
B, C, P, UB, UP = range(5)


def counting_rule(between=True, coastal=True, ports=False, exclude_uc=True):
    """A counting rule as weights on the five columns (law/policies: counting.*)."""
    w = np.zeros(5, dtype=np.int64)
    w[B] = 1 if between else 0
    w[C] = 1 if coastal else 0
    w[P] = 1 if ports else 0
    if exclude_uc:
        w[UB] = -1 if (between or coastal) else 0
        w[UP] = -1 if ports else 0
    return tuple(int(x) for x in w)


def version(frm, **kw):
    v = dict(frm=frm, window=7, lag=1, initial_active=True, activate=2500.0, activate_effective=1,
             single=None, single_base=None, discretionary=None, deactivate=1500.0, fraction=None,
             streak=1, deactivate_effective=14, cancelled=True, caps=(), sunset_years=None,
             rule=counting_rule(exclude_uc=True))
    v.update(kw)
    return v


def policies():
    """The benchmark scenario's three policies (law/policies/*.yaml; scenarios/baseline-2024.yaml)."""
    p10773 = dict(name="proclamation-10773", in_force=dt.date(2024, 6, 5), subject_ports=True, versions=[
        version(dt.date(2024, 6, 5)),
        version(dt.date(2024, 10, 1), streak=28, rule=counting_rule(exclude_uc=False)),
    ])
    senate = dict(name="senate-border-act", in_force=dt.date(2024, 6, 5), subject_ports=False, versions=[
        version(dt.date(2024, 6, 5), initial_active=False, activate=5000.0, single=8500.0, single_base=5000.0,
                discretionary=4000.0, deactivate=None, fraction=0.75, cancelled=False, caps=(270, 225, 180),
                sunset_years=3, rule=counting_rule(ports=True, exclude_uc=True)),
    ])
    reform = dict(name="p10773-deactivate-2000", in_force=dt.date(2024, 6, 5), subject_ports=True, versions=[
        version(dt.date(2024, 6, 5), deactivate=2000.0),
        version(dt.date(2024, 10, 1), deactivate=2000.0, streak=28, rule=counting_rule(exclude_uc=False)),
    ])
    return [p10773, senate, reform]


def sum_threshold(per_day, window):
    """Exact integer form of 'average >= T' over a window: sum >= ceil(T * W) (RuleVersion.SumThreshold)."""
    return int(math.ceil(per_day * window))


def plus_years(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # Feb 29
        return d.replace(year=d.year + years, day=28)


class Calendar:
    """The days of a run: dates, month keys, weekday and seasonal factors."""

    def __init__(self):
        self.first = START - dt.timedelta(days=WARM_UP)
        end = plus_years(START, YEARS) - dt.timedelta(days=1)
        self.days = (end - self.first).days + 1
        self.dates = [self.first + dt.timedelta(days=t) for t in range(self.days)]
        self.season = np.array([SEASONAL[d.month - 1] for d in self.dates])
        self.month = np.array([(d.year * 12 + d.month - 1) - (START.year * 12 + START.month - 1) for d in self.dates])
        self.months = int(self.month.max()) + 1

    def index(self, d):
        return (d - self.first).days


def draw(cal, paths, seed):
    """Each path's deterrence draw and northbound migrants a day (the same for every policy: common random numbers)."""
    rng = np.random.default_rng(seed)
    deterrence = DETERRENCE_LOW + (DETERRENCE_HIGH - DETERRENCE_LOW) * rng.random(paths)
    innovation = NOISE_SD * math.sqrt(1 - NOISE_PHI * NOISE_PHI)
    correction = NOISE_SD * NOISE_SD / 2
    northbound = np.empty((cal.days, paths))
    x = NOISE_SD * rng.standard_normal(paths)
    level = NORTHBOUND_LEVEL  # weekday factor 1: every day of the week the same
    for t in range(cal.days):
        northbound[t] = np.exp(x - correction) * (level * cal.season[t])
        x = NOISE_PHI * x + innovation * rng.standard_normal(paths)
    return deterrence, northbound


def run_policy(cal, policy, deterrence, northbound):
    """One policy over every path: the day loop. Returns the per-path outputs and the daily 7-day averages."""
    paths = northbound.shape[1]
    days = cal.days
    versions = policy["versions"]
    starts = [cal.index(v["frm"]) for v in versions] + [2 ** 40]
    first = max(0, cal.index(policy["in_force"]))
    v0 = versions[0]
    sunset = cal.index(plus_years(policy["in_force"], v0["sunset_years"])) if v0["sunset_years"] else 2 ** 40
    caps = v0["caps"]
    cap_year_starts = [cal.index(plus_years(policy["in_force"], y)) for y in range(len(caps) + 1)]

    # Counted values under every rule the policy uses, kept for window rebuilds at a version switch.
    rules = sorted({v["rule"] for v in versions})
    counted = {r: np.zeros((days, paths), dtype=np.int64) for r in rules}

    status_hist = np.zeros((days, paths), dtype=np.int8)
    state = np.full(paths, ACTIVE if v0["initial_active"] else INACTIVE, dtype=np.int8)
    pend_d = np.full(paths, -1, dtype=np.int64)
    pend_a = np.full(paths, -1, dtype=np.int64)
    activated_at = np.full(paths, v0["activate"])
    cap_year = 0
    active_days = np.zeros(paths, dtype=np.int64)
    expired = False

    window_sum = np.zeros(paths, dtype=np.int64)
    streak = np.zeros(paths, dtype=np.int64)
    level_sum = np.zeros(paths, dtype=np.int64)
    vi = -1
    stale = True

    pool = np.zeros(paths)
    not_stopped = 1 - MEXICO_ENFORCEMENT
    leave = 1 / REENCOUNTER_DELAY
    month_used = np.zeros(paths)
    month_of_used = -10 ** 9
    o_active = np.zeros(paths, dtype=np.int64)
    o_cap_days = np.zeros(paths, dtype=np.int64)
    o_transitions = np.zeros(paths, dtype=np.int64)
    o_between = np.zeros(paths, dtype=np.int64)
    o_ports = np.zeros(paths, dtype=np.int64)
    o_subject = np.zeros(paths)
    o_fear = np.zeros(paths)
    o_under = np.zeros(paths)
    o_overflow = np.zeros(paths)
    o_mexican = np.zeros(paths)
    o_citizenship = np.zeros(paths)
    monthly_under = np.zeros((cal.months, paths))
    monthly_overflow = np.zeros((cal.months, paths))
    sum_of = None

    def level_for(v, at):
        per_day = v["deactivate"] if v["deactivate"] is not None else v["fraction"] * at
        return np.ceil(per_day * v["window"]).astype(np.int64)

    def rebuild(v, end, mask):
        """Window sum and streak ending on `end` for the paths in `mask`, from the counted history (DecidingWindow.Build)."""
        c = counted[v["rule"]]
        w = v["window"]
        lo = max(0, end - w + 1)
        s = c[lo:end + 1, mask].sum(axis=0) if end >= 0 else np.zeros(int(mask.sum()), dtype=np.int64)
        lvl = level_sum[mask]
        run = np.zeros_like(s)
        alive = np.ones_like(s, dtype=bool)
        ss = s.copy()
        k = end
        while k >= w - 1 and k > end - v["streak"]:
            if k != end:
                ss = ss + c[k - w + 1, mask] - c[k + 1, mask]
            alive &= ss < lvl
            run += alive
            k -= 1
        window_sum[mask] = s
        streak[mask] = run

    all_paths = np.ones(paths, dtype=bool)
    for t in range(days):
        date = cal.dates[t]
        # ---- open the day: version, sunset, pending effects, caps (OpenDay)
        if t < first:
            today = np.full(paths, NOT_IN_FORCE, dtype=np.int8)
        elif expired:
            today = np.full(paths, EXPIRED, dtype=np.int8)
        else:
            while t >= starts[vi + 1]:
                vi += 1
                stale = True
            v = versions[vi]
            if t >= sunset:
                expired = True  # a sunset is not a transition by determination or cap (FlowModel.Summarise)
                state[:] = EXPIRED
                today = state.copy()
            else:
                eff = pend_d == t
                if eff.any():
                    turn = eff & (state == ACTIVE)
                    state[turn] = INACTIVE
                    o_transitions += turn & (t >= WARM_UP)
                    pend_d[eff] = -1
                eff = pend_a == t
                if eff.any():
                    turn = eff & (state == INACTIVE)
                    state[turn] = ACTIVE
                    o_transitions += turn & (t >= WARM_UP)
                    pend_a[eff] = -1
                if caps:
                    if cap_year < len(caps) and t >= cap_year_starts[cap_year + 1]:
                        cap_year += 1
                        active_days[:] = 0
                        state[state == CAP_REACHED] = INACTIVE
                    if cap_year < len(caps):
                        act = state == ACTIVE
                        reached = act & (active_days >= caps[cap_year])
                        state[reached] = CAP_REACHED
                        pend_d[reached] = -1
                        o_transitions += reached & (t >= WARM_UP)
                        active_days += act & ~reached
                today = state.copy()
        status_hist[t] = today

        # ---- the day's flows and counts (FlowModel.DayModel.Day)
        again = pool * leave
        pool -= again
        attempts = northbound[t] * not_stopped + again
        if t >= DETERRENCE_LAG:
            deterred = np.where(status_hist[t - DETERRENCE_LAG] == ACTIVE, deterrence * attempts, 0.0)
        else:
            deterred = np.zeros(paths)
        crossing = attempts - deterred
        flow_between = crossing * (1 - COASTAL_SHARE)
        flow_coastal = crossing * COASTAL_SHARE
        flow_appointments = np.minimum(APPOINTMENTS, BASELINE_USE * APPOINTMENTS + DISPLACEMENT * deterred)
        cols = (
            np.rint(flow_between).astype(np.int64),
            np.rint(flow_coastal).astype(np.int64),
            np.rint(flow_appointments + UNSCHEDULED).astype(np.int64),
            np.rint(flow_between * UC_BETWEEN_SHARE + flow_coastal * UC_COASTAL_SHARE).astype(np.int64),
            np.rint(flow_appointments * UC_APPOINTMENT_SHARE + UNSCHEDULED * UC_UNSCHEDULED_SHARE).astype(np.int64),
        )
        for r in rules:
            acc = cols[0] * r[0]
            for j in range(1, 5):
                if r[j]:
                    acc = acc + cols[j] * r[j]
            counted[r][t] = acc

        # ---- screening and returns of the day (simplified; see the module's docstring)
        subject_flow = (flow_between + flow_coastal) * (1 - UC_TOTAL_SHARE)
        if policy["subject_ports"]:
            subject_flow = subject_flow + UNSCHEDULED
        subject = np.where(today == ACTIVE, subject_flow * (1 - OFFICER_SHARE), 0.0)
        fear = subject * FEAR_SHARE
        removable = subject - fear
        mexican = removable * MEXICAN_SHARE
        arrangement_share = ARRANGEMENT_SHARE_2023 if date < HUMANITARIAN_FROM else 1 - MEXICAN_SHARE
        cap = 30000.0 if date < HUMANITARIAN_FROM else 1000.0
        if cal.month[t] != month_of_used:
            month_of_used = cal.month[t]
            month_used[:] = 0
        eligible = removable * arrangement_share
        under = np.minimum(eligible, np.maximum(cap - month_used, 0.0))
        month_used += under
        overflow = eligible - under
        to_citizenship = removable - mexican - under
        pool += REENCOUNTER * (mexican + under)
        if t >= WARM_UP:
            o_between += cols[B] + cols[C]
            o_ports += cols[P]
            o_active += today == ACTIVE
            o_cap_days += today == CAP_REACHED
            o_subject += subject
            o_fear += fear
            o_under += under
            o_overflow += overflow
            o_mexican += mexican
            o_citizenship += to_citizenship
            monthly_under[cal.month[t]] += under
            monthly_overflow[cal.month[t]] += overflow

        # ---- close the day: the determination, reading the window ending on t - lag (CloseDay)
        if t < first or expired:
            continue
        v = versions[vi]
        end = t - v["lag"]
        c = counted[v["rule"]]
        w = v["window"]
        if stale:
            stale = False
            level_sum[:] = level_for(v, activated_at)
            rebuild(v, end, all_paths)
        else:
            if end >= 0:
                window_sum += c[end]
                if end - w >= 0:
                    window_sum -= c[end - w]
            streak = np.where((end >= w - 1) & (window_sum < level_sum), streak + 1, 0)
        if end < w - 1:
            continue
        active = state == ACTIVE
        inactive = state == INACTIVE
        last = c[end]
        act_sum = sum_threshold(v["activate"], w)
        may_activate = window_sum >= act_sum
        if v["single"] is not None:
            may_activate |= last >= math.ceil(v["single"])
        if v["discretionary"] is not None:
            may_activate |= window_sum >= sum_threshold(v["discretionary"], w)

        deactivate = active & (pend_d < 0) & (streak >= v["streak"])
        pend_d[deactivate] = t + v["deactivate_effective"]
        if v["cancelled"]:
            cancel = active & (pend_d >= 0) & ~deactivate & may_activate
            pend_d[cancel] = -1
        activate = inactive & (pend_a < 0) & may_activate
        if activate.any():
            pend_a[activate] = t + v["activate_effective"]
            # The base of a relative deactivation level: the trigger that passed first (ActivationTrigger.Test).
            base = np.where(window_sum >= act_sum, v["activate"],
                            np.where((v["single"] is not None) & (last >= (v["single"] or 0)), v["single_base"] or 0,
                                     v["discretionary"] or 0))
            changed = activate & (base != activated_at)
            if changed.any():
                activated_at[changed] = base[changed]
                level_sum[changed] = level_for(v, activated_at[changed])
                rebuild(v, end, changed)

    # ---- the horizon's 7-day averages of the policy's own count (under the version in force each day)
    own = np.empty((days, paths), dtype=np.int64)
    for k, v in enumerate(versions):
        lo, hi = max(0, starts[k]), min(days, starts[k + 1])
        if hi > lo:
            own[lo:hi] = counted[v["rule"]][lo:hi]
    if starts[0] > 0:
        own[:starts[0]] = counted[versions[0]["rule"]][:starts[0]]
    csum = np.cumsum(own, axis=0)
    avg7 = (csum[WARM_UP:] - csum[WARM_UP - 7:-7]) / 7.0
    outputs = dict(days_active=o_active, transitions=o_transitions, cap_binding_days=o_cap_days,
                   encounters_between_ports=o_between, encounters_ports_of_entry=o_ports,
                   people_subject=np.round(o_subject), fear_referrals=np.round(o_fear),
                   returned_to_mexico_under_arrangement=np.round(o_under), overflow_to_citizenship=np.round(o_overflow),
                   mexican_nationals_returned=np.round(o_mexican), removed_to_citizenship=np.round(o_citizenship),
                   max_monthly_returns_under_arrangement=monthly_under.max(axis=0),
                   months_at_mexico_cap=(monthly_overflow > 0).sum(axis=0))
    return outputs, avg7


def simulate(paths, seed):
    cal = Calendar()
    deterrence, northbound = draw(cal, paths, seed)
    results = []
    for policy in policies():
        outputs, avg7 = run_policy(cal, policy, deterrence, northbound)
        bands = np.percentile(avg7, [10, 50, 90], axis=1)
        summary = {k: np.percentile(x, [10, 50, 90]) for k, x in outputs.items()}
        results.append((policy["name"], summary, bands))
    return cal, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paths", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if args.paths < 1 or args.repeat < 1:
        sys.exit("flow_model.py: --paths and --repeat must be at least 1")
    cal = Calendar()
    steps = args.paths * (cal.days - WARM_UP) * 3
    for r in range(args.repeat):
        t0 = time.perf_counter()
        cal, results = simulate(args.paths, args.seed)
        elapsed = time.perf_counter() - t0
        print(f"numpy-in-process run {r + 1}: {elapsed:.3f} s for {args.paths} paths x {cal.days - WARM_UP} days x 3 policies"
              f" ({steps / elapsed / 1e6:.1f} M path-day-steps/s; numpy {np.__version__})", flush=True)
    print("# MODELED (numpy reference, simplified; not a Threshold result): P10 / P50 / P90")
    for name, summary, bands in results:
        print(f"{name}: " + "; ".join(f"{k} {p[0]:.0f}/{p[1]:.0f}/{p[2]:.0f}" for k, p in summary.items()
                                        if k in ("days_active", "transitions", "cap_binding_days", "people_subject")))
        print(f"  7-day average on the last day: {bands[0, -1]:.0f} / {bands[1, -1]:.0f} / {bands[2, -1]:.0f}")


if __name__ == "__main__":
    main()
