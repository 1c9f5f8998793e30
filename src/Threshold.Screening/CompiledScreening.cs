using NodaTime;
using Threshold.Engine;
using Threshold.Law;

namespace Threshold.Screening;

/// <summary>A labelled rule compiled to mask tests over <see cref="ScreeningCase"/>.</summary>
internal sealed class CompiledRule
{
    private readonly CaseFacts mustHave;
    private readonly CaseFacts mustLack;
    private readonly int places = -1;
    private readonly int officers = -1;
    private readonly HashSet<string?>? compelling;
    private readonly HashSet<string>? citizenships;

    public CompiledRule(ScreeningRule rule, int order)
    {
        Rule = rule;
        Order = order;
        foreach (var (field, values) in rule.When.Requirements)
        {
            var fact = ScreeningCase.FactFields.FirstOrDefault(f => f.Field == field).Fact;
            var no = ScreeningCase.FalseFact(field);
            if (no != CaseFacts.None)
            {
                // Three-valued: each known answer has its own bit; unknown is neither.
                var (yes, not, unknown) = (values.Contains("true"), values.Contains("false"), values.Contains("unknown"));
                switch (yes, not, unknown)
                {
                    case (true, true, true):
                        break;
                    case (true, false, false): mustHave |= fact; break;
                    case (false, true, false): mustHave |= no; break;
                    case (false, false, true): mustLack |= fact | no; break;
                    case (true, false, true): mustLack |= no; break;
                    case (false, true, true): mustLack |= fact; break;
                    default:
                        throw new InvalidOperationException($"rule {rule.Code}: {field} = true|false cannot be tested as one condition; write two rules");
                }

                continue;
            }

            if (fact != CaseFacts.None)
            {
                // A boolean field lists true, false or both; both means "either", so it constrains nothing.
                if (values.Contains("true") && !values.Contains("false"))
                {
                    mustHave |= fact;
                }
                else if (values.Contains("false") && !values.Contains("true"))
                {
                    mustLack |= fact;
                }

                continue;
            }

            switch (field)
            {
                case "place":
                    places = values.Aggregate(0, (m, v) => m | (1 << (int)Parse(v)));
                    break;
                case "officerException":
                    officers = values.Aggregate(0, (m, v) => m | (1 << (v == "totality" ? (int)OfficerDiscretion.Totality : (int)OfficerDiscretion.Operational)));
                    break;
                case "exceptionallyCompelling":
                    compelling = [.. values];
                    break;
                case "citizenship":
                    citizenships = [.. values];
                    break;
                default:
                    throw new InvalidOperationException($"rule {rule.Code}: unhandled field {field}");
            }
        }

        static EntryPlace Parse(string v) => CompiledScreening.PlaceOf(v);
    }

    public ScreeningRule Rule { get; }

    /// <summary>The facts this rule tests (either way).</summary>
    public CaseFacts Tested => mustHave | mustLack;

    /// <summary>Position in the instrument's order (the first holding exception is reported as <c>exception</c>).</summary>
    public int Order { get; }

    public bool Holds(ScreeningCase c) =>
        (c.Facts & mustHave) == mustHave
        && (c.Facts & mustLack) == 0
        && (places & (1 << (int)c.Place)) != 0
        && (officers & (1 << (int)c.OfficerDiscretion)) != 0
        && (compelling is null || compelling.Contains(c.ExceptionallyCompelling))
        && (citizenships is null || citizenships.Contains(c.Citizenship));
}

/// <summary>A consequence flag compiled: its entry window as instants (Eastern days, inclusive) and its conditions.</summary>
internal sealed class CompiledFlag
{
    public CompiledFlag(ConsequenceFlag flag)
    {
        Flag = flag;
        From = flag.EntryFrom is { } from ? from.AtStartOfDayInZone(EasternTime.Zone).ToInstant().ToUnixTimeTicks() : long.MinValue;
        To = flag.EntryTo is { } to ? to.PlusDays(1).AtStartOfDayInZone(EasternTime.Zone).ToInstant().ToUnixTimeTicks() : long.MaxValue;
        When = flag.When is { } w ? Compile(w) : null;
        Unless = [.. (flag.Unless ?? []).Select(Compile)];
        MayWhen = [.. (flag.MayWhen ?? []).Select(Compile)];
        CompiledRule Compile(CaseCondition condition) => new(new ScreeningRule(flag.Code, flag.Text, condition, RuleOutcome.Subject, null, flag.Citation), 0);
    }

    public ConsequenceFlag Flag { get; }

    public long From { get; }

    public long To { get; }

    public CompiledRule? When { get; }

    public IReadOnlyList<CompiledRule> Unless { get; }

    public IReadOnlyList<CompiledRule> MayWhen { get; }
}

/// <summary>
/// A policy's screening rules compiled once: rule masks, the subject places, the grounds, the flags and the court
/// orders. Immutable and shared by every case screened under that policy.
/// </summary>
public sealed class CompiledScreening
{
    internal CompiledScreening(PolicyDocument policy)
    {
        Policy = policy;
        Rules = policy.Screening ?? throw new InvalidOperationException($"{policy.Id} has no screening rules");
        if (Rules.Rules.Count > 64)
        {
            throw new LawFileException(policy.SourceName, 0, "a policy may declare at most 64 screening rules");
        }

        if (Rules.CourtOrders.Sum(o => o.Events.Count) > 64)
        {
            // Bulk output keys a line's shape by a 64-bit mask of the order events in effect.
            throw new LawFileException(policy.SourceName, 0, "a policy may declare at most 64 court-order events");
        }

        Compiled = Rules.Rules.Select((r, i) => new CompiledRule(r, i)).ToArray();
        SubjectAlso = [.. Rules.SubjectAlso.Select((g, i) => new CompiledRule(new ScreeningRule(g.Code, g.Label, g.When, RuleOutcome.Subject, null, g.Citation), i))];
        if (Rules.Flags.Count > 32)
        {
            throw new LawFileException(policy.SourceName, 0, "a policy may declare at most 32 flags");
        }

        Flags = [.. Rules.Flags.Select(f => new CompiledFlag(f))];
        FearRequiresRelief = Rules.Fear.RequiresRelief is { } rr ? ComponentsOf([rr]) : Component.None;
        RemovalReplacedBy = Rules.Removal?.ReplacedByRelief is { } rb ? ComponentsOf([rb]) : Component.None;
        NotSubjectRuleMask = Compiled.Where(r => r.Rule.Outcome == RuleOutcome.NotSubject).Aggregate(0UL, (m, r) => m | (1UL << r.Order));
        HasCourtOrders = Rules.CourtOrders.Count > 0;
        LimitationBasis = Rules.Limitation.Basis;
        HasWithholdingCatBar = Rules.Limitation.WithholdingCatBar is not null;
        HasOwnRemoval = Rules.Removal is not null;
        SubjectRuleMask = Compiled.Where(r => r.Rule.Outcome == RuleOutcome.Subject).Aggregate(0UL, (m, r) => m | (1UL << r.Order));

        // When no rule tests citizenship or a compelling ground, a rule's result depends only on the facts the rules test,
        // the place and the officer exception: evaluate every rule once for each combination and look it up.
        TestedFacts = Compiled.Aggregate(CaseFacts.None, (m, r) => m | r.Tested);
        testedBits = System.Numerics.BitOperations.PopCount((uint)TestedFacts);
        if (testedBits <= 12 && Rules.Rules.All(r => !r.When.Requirements.ContainsKey("citizenship") && !r.When.Requirements.ContainsKey("exceptionallyCompelling")))
        {
            HoldingTable = new ulong[1 << (testedBits + 4)];
            for (var key = 0; key < HoldingTable.Length; key++)
            {
                var (packed, place, officer) = (key & ((1 << testedBits) - 1), (EntryPlace)((key >> testedBits) & 3), (OfficerDiscretion)((key >> (testedBits + 2)) & 3));
                if ((int)place > 2 || (int)officer > 2)
                {
                    continue;
                }

                var probe = new ScreeningCase("probe", default, place, "ZZ", Deposit((uint)packed, (uint)TestedFacts), officer, null);
                for (var k = 0; k < Compiled.Length; k++)
                {
                    if (Compiled[k].Holds(probe))
                    {
                        HoldingTable[key] |= 1UL << k;
                    }
                }
            }
        }

        SubjectPlaceMask = Rules.SubjectPlaces.Aggregate(0, (m, p) => m | (1 << (int)PlaceOf(p)));
    }

    /// <summary>
    /// Law's place value as the screener's enum. The policy reader admits only the three places, so anything else is a
    /// defect of this program, refused loudly rather than read as a port of entry.
    /// </summary>
    internal static EntryPlace PlaceOf(string place) =>
        CaseFields.Place(place, out var parsed) is null ? parsed : throw new InvalidOperationException($"Law place '{place}' has no screening equivalent");

    public PolicyDocument Policy { get; }

    /// <summary>Holding-rule masks by (facts, place, officer exception), when the rules test nothing else; null otherwise.</summary>
    internal ulong[]? HoldingTable { get; }

    internal int TableKey(ScreeningCase c) => (int)Extract((uint)c.Facts, (uint)TestedFacts) | ((int)c.Place << testedBits) | ((int)c.OfficerDiscretion << (testedBits + 2));

    /// <summary>The facts any labelled rule tests.</summary>
    internal CaseFacts TestedFacts { get; }

    private readonly int testedBits;

    /// <summary>The bits of <paramref name="value"/> under <paramref name="mask"/>, packed low (BMI2 PEXT where the processor has it).</summary>
    private static uint Extract(uint value, uint mask)
    {
        if (System.Runtime.Intrinsics.X86.Bmi2.IsSupported)
        {
            return System.Runtime.Intrinsics.X86.Bmi2.ParallelBitExtract(value, mask);
        }

        uint result = 0;
        for (var (bit, m) = (0, mask); m != 0; m &= m - 1, bit++)
        {
            if ((value & (1u << System.Numerics.BitOperations.TrailingZeroCount(m))) != 0)
            {
                result |= 1u << bit;
            }
        }

        return result;
    }

    /// <summary>The inverse of <see cref="Extract"/>: low bits of <paramref name="packed"/> spread over <paramref name="mask"/>.</summary>
    private static CaseFacts Deposit(uint packed, uint mask)
    {
        uint result = 0;
        for (var (bit, m) = (0, mask); m != 0; m &= m - 1, bit++)
        {
            if ((packed & (1u << bit)) != 0)
            {
                result |= 1u << System.Numerics.BitOperations.TrailingZeroCount(m);
            }
        }

        return (CaseFacts)result;
    }

    /// <summary>Bits of the rules whose outcome is "subject" (counter-exceptions), for the conflict check.</summary>
    internal ulong SubjectRuleMask { get; }

    /// <summary>Index of an accepted ground of exceptionally compelling circumstances, or -1 (not a ground here).</summary>
    internal int GroundIndex(string code)
    {
        var grounds = Rules.Limitation.Grounds;
        for (var i = 0; i < grounds.Count; i++)
        {
            if (grounds[i].Code == code)
            {
                return i;
            }
        }

        return Rules.Limitation.GroundsOpen && code == "other" ? grounds.Count : -1;
    }

    internal static Component ComponentsOf(IEnumerable<string> names) => names.Aggregate(Component.None, (c, n) => c | n switch
    {
        "asylum-limitation" => Component.AsylumLimitation,
        "fear-manifestation" => Component.FearManifestation,
        "reasonable-probability" => Component.ReasonableProbability,
        "suspension" => Component.Suspension,
        "withholding-cat-bar" => Component.WithholdingCatBar,
        "removal-procedures" => Component.RemovalProcedures,
        _ => throw new InvalidOperationException($"unknown court-order component '{n}'"),
    });

    /// <summary>The components whose relief is in effect for a decision on <paramref name="decidedOn"/>.</summary>
    internal Component Vacated(LocalDate decidedOn, IReadOnlySet<string> switchedOff) =>
        ComponentsOf(ReliefOn(decidedOn, switchedOff).Vacated);

    /// <summary>
    /// The relief in effect by decision day, as steps: from the start (Eastern midnight) of each day on which an acting
    /// event takes effect, the components vacated until the next step. The first step is "none" from the beginning of time.
    /// </summary>
    internal (long StartTicks, Component Vacated)[] ReliefSteps(IReadOnlySet<string> switchedOff)
    {
        var days = Rules.CourtOrders.SelectMany(o => o.Events).Where(e => e.Acts && e.Effective is not null).Select(e => e.Effective!.Value).Distinct().Order();
        return [(long.MinValue, Component.None), .. days.Select(d => (d.AtStartOfDayInZone(EasternTime.Zone).ToInstant().ToUnixTimeTicks(), Vacated(d, switchedOff)))];
    }

    /// <summary>The composed relief of every court-order event for a decision on <paramref name="decidedOn"/>.</summary>
    public OrderRelief ReliefOn(LocalDate decidedOn, IReadOnlySet<string> switchedOff) =>
        CourtOrderComposition.On(Rules.CourtOrders, decidedOn, switchedOff);

    public ScreeningRules Rules { get; }

    internal CompiledRule[] Compiled { get; }

    /// <summary>The further grounds of coverage (10888 §3), compiled like rules.</summary>
    internal CompiledRule[] SubjectAlso { get; }

    /// <summary>Bit k set when labelled rule k says "not subject" (an exception).</summary>
    internal ulong NotSubjectRuleMask { get; }

    /// <summary>Whether the policy declares any court order (the per-case relief lookup is skipped when not).</summary>
    internal bool HasCourtOrders { get; }

    /// <summary>What the asylum limitation keys on, read once rather than through the rules per case.</summary>
    internal LimitationBasis LimitationBasis { get; }

    /// <summary>Whether the policy bars withholding and CAT protection for those subject (10888 §4).</summary>
    internal bool HasWithholdingCatBar { get; }

    /// <summary>Whether the policy has its own removal path (10888 §5 repatriation).</summary>
    internal bool HasOwnRemoval { get; }

    internal IReadOnlyList<CompiledFlag> Flags { get; }

    /// <summary>The component whose relief opens fear referral (10888), or none.</summary>
    internal Component FearRequiresRelief { get; }

    /// <summary>The component whose relief replaces the policy's own removal path with the ordinary one, or none.</summary>
    internal Component RemovalReplacedBy { get; }

    /// <summary>
    /// Which flags hold for a screened case: two bits per flag in declaration order, bit 2k when flag k applies and bit
    /// 2k+1 when it only MAY apply (a fact it needs is unknown). The one place a flag is decided: the full screen and the
    /// bulk writer both read it.
    /// </summary>
    public ulong FlagMask(ScreeningCase c, in ScreeningOutcome o)
    {
        var ticks = c.EntryTicks;
        var compelling = o.LimitedBeforeRelief && o.GroundIndex >= 0;
        var mask = 0UL;
        var flags = Flags;
        for (var k = 0; k < flags.Count; k++)
        {
            var f = flags[k];
            if (ticks < f.From || ticks >= f.To)
            {
                continue;
            }

            var basis = f.Flag.AppliesTo switch
            {
                FlagScope.Removable => o.Removal.GoesToLedger() && !o.FearReferral,
                FlagScope.Subject => o.SuspensionApplies,
                FlagScope.ExceptedOrCompelling => o.InPeriod && o.CoveredPlace && (o.Excepted || compelling),
                FlagScope.Limited => o.AsylumLimitationApplies,
                FlagScope.NotSubject => o.InPeriod && !o.SuspensionApplies,
                FlagScope.InForce => o.InPeriod,
            };
            if (!basis || (f.When is { } when && !when.Holds(c)) || f.Unless.Any(u => u.Holds(c)))
            {
                continue;
            }

            mask |= f.MayWhen.Any(m => m.Holds(c)) ? 2UL << (2 * k) : 1UL << (2 * k);
        }

        return mask;
    }

    internal int SubjectPlaceMask { get; }

    /// <summary>The court orders with at least one event applied to a decision on <paramref name="decidedOn"/> (effective on or before it, not switched off).</summary>
    public IReadOnlyList<ScreeningCourtOrder> OrdersOn(LocalDate decidedOn, IReadOnlySet<string> switchedOff)
    {
        var applied = ReliefOn(decidedOn, switchedOff).Applied;
        return [.. Rules.CourtOrders.Where(o => applied.Any(e => e.OrderId == o.Id))];
    }
}
