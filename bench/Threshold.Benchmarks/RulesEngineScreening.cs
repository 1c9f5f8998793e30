using RulesEngine.Models;
using Threshold.Engine;
using Threshold.Screening;

namespace Threshold.Benchmarks;

/// <summary>
/// The input of the RulesEngine side: the case contract's fields as a plain object (booleans, and the contract's
/// string codes for place, officer exception and ground), plus <see cref="InActivePeriod"/>, the timeline's status at
/// the entry instant, computed before the rules run (see <see cref="RulesEngineScreening.Input"/>).
/// </summary>
public sealed class ReCase
{
    public string Id { get; init; } = "";

    public string Place { get; init; } = "";

    public string Citizenship { get; init; } = "";

    public bool UnaccompaniedChild { get; init; }

    public bool UsNational { get; init; }

    public bool LawfulPermanentResident { get; init; }

    public bool TraffickingVictim { get; init; }

    public bool ValidVisaOrDocuments { get; init; }

    public bool VisaWaiver { get; init; }

    public bool ArmedForcesOrOfficial { get; init; }

    public bool ScheduledArrival { get; init; }

    public bool ManifestsFear { get; init; }

    public string? OfficerException { get; init; }

    public string? ExceptionallyCompelling { get; init; }

    /// <summary>The suspension's status at the entry instant is active (the period lookup, done outside the rules).</summary>
    public bool InActivePeriod { get; init; }
}

/// <summary>What both sides must agree on for every case.</summary>
internal readonly record struct ComparableOutcome(
    bool CoveredPlace,
    bool SuspensionApplies,
    string? FirstException,
    bool AsylumLimitationApplies,
    bool FearReferral,
    string? ScreeningStandard);

/// <summary>
/// Proclamation 10773's screening rules (law/policies/proclamation-10773.yaml, <c>screening:</c>) written by hand as
/// one Microsoft RulesEngine workflow of lambda-expression rules, for the side-by-side benchmark only. The rules are
/// in the policy file's order, and the result list comes back in the same order:
/// <list type="number">
/// <item>the ten §3(b) exceptions, one rule each (the first that succeeds is the reported exception);</item>
/// <item><c>covered-place</c>: between ports, coastal or a port of entry;</item>
/// <item><c>suspension-applies</c>: in an active period, at a covered place, and no §3(b) exception;</item>
/// <item><c>asylum-limitation</c>: the suspension applied (basis <c>suspension-applied</c>) and no ground of
/// exceptionally compelling circumstances (medical-emergency, imminent-threat, trafficking-victim, other) was shown;</item>
/// <item><c>fear-referral</c>: the suspension applied and fear was manifested;</item>
/// <item><c>standard-reasonable-probability</c> / <c>standard-significant-possibility</c>: the screening standard of
/// a referral, with or without the limitation.</item>
/// </list>
/// Shared sub-expressions (covered, excepted, subject, compelling) are workflow <c>GlobalParams</c>, RulesEngine's
/// way of naming a sub-expression once. The court order of the policy (Las Americas, decided 2025-05-09) postdates
/// every generated case, so it vacates nothing here and is not encoded.
/// </summary>
internal sealed class RulesEngineScreening
{
    public const string WorkflowName = "proclamation-10773-screening";

    public const string Parameter = "c";

    /// <summary>The §3(b) exceptions in the policy file's order, with their RulesEngine expressions.</summary>
    public static readonly IReadOnlyList<(string Code, string Expression)> Exceptions =
    [
        ("us-national", "c.UsNational"),
        ("lawful-permanent-resident", "c.LawfulPermanentResident"),
        ("unaccompanied-child", "c.UnaccompaniedChild"),
        ("trafficking-victim", "c.TraffickingVictim"),
        ("armed-forces-or-official", "c.ArmedForcesOrOfficial"),
        ("valid-visa-or-documents", "c.ValidVisaOrDocuments"),
        ("visa-waiver", "c.VisaWaiver"),
        ("scheduled-arrival", "c.Place == \"port-of-entry\" && c.ScheduledArrival"),
        ("officer-totality", "c.OfficerException == \"totality\""),
        ("officer-operational", "c.OfficerException == \"operational\""),
    ];

    private const int CoveredPlace = 10;
    private const int SuspensionApplies = 11;
    private const int AsylumLimitation = 12;
    private const int FearReferral = 13;
    private const int StandardLimited = 14;
    private const int StandardLifted = 15;

    private static readonly string[] DerivedRules =
        ["covered-place", "suspension-applies", "asylum-limitation", "fear-referral", "standard-reasonable-probability", "standard-significant-possibility"];

    private readonly RulesEngine.RulesEngine engine;

    /// <param name="settings">The engine's settings; <see cref="Settings"/> (the fastest measured) when null.</param>
    public RulesEngineScreening(ReSettings? settings = null)
    {
        engine = new RulesEngine.RulesEngine([Workflow()], settings ?? Settings());

        // Compile now (the first execution compiles and caches the workflow for this input type), and check that the
        // result list comes back in rule order, which Evaluate relies on.
        var results = Execute(new ReCase { Place = "between-ports" });
        var names = Exceptions.Select(e => e.Code).Concat(DerivedRules).ToArray();
        if (results.Count != names.Length || results.Select(r => r.Rule.RuleName).Where((n, i) => n != names[i]).Any())
        {
            throw new InvalidOperationException($"RulesEngine returned rules {string.Join(", ", results.Select(r => r.Rule.RuleName))}; expected {string.Join(", ", names)}");
        }
    }

    /// <summary>
    /// The settings of the main comparison, chosen for speed (the benchmark also runs the defaults and
    /// FastExpressionCompiler; see docs/performance.md): no error-message formatting pass over the failed rules, no
    /// action pass over the results, case-sensitive parsing, and exceptions thrown rather than turned into a failed rule
    /// (so an expression error can never pass as "false" in the check). The engine compiles the workflow once per input
    /// type and caches the rule delegates (RulesCache); the expression cache (<c>CacheConfig</c>, 1,000 entries by
    /// default) holds every expression of this workflow. One engine instance is reused for every case.
    /// </summary>
    /// <param name="fastExpressionCompiler">Compile the rule delegates with FastExpressionCompiler instead of System.Linq.Expressions.</param>
    public static ReSettings Settings(bool fastExpressionCompiler = false) => new()
    {
        EnableFormattedErrorMessage = false,
        AutoExecuteActions = false,
        IsExpressionCaseSensitive = true,
        EnableExceptionAsErrorMessage = false,
        IgnoreException = false,
        UseFastExpressionCompiler = fastExpressionCompiler,
    };

    public static Workflow Workflow()
    {
        var rules = Exceptions.Select(e => Lambda(e.Code, e.Expression)).ToList();
        rules.Add(Lambda("covered-place", "covered"));
        rules.Add(Lambda("suspension-applies", "subject"));
        rules.Add(Lambda("asylum-limitation", "subject && !compelling"));
        rules.Add(Lambda("fear-referral", "subject && c.ManifestsFear"));
        rules.Add(Lambda("standard-reasonable-probability", "subject && c.ManifestsFear && !compelling"));
        rules.Add(Lambda("standard-significant-possibility", "subject && c.ManifestsFear && compelling"));
        return new Workflow
        {
            WorkflowName = WorkflowName,
            GlobalParams =
            [
                new ScopedParam { Name = "covered", Expression = "c.Place == \"between-ports\" || c.Place == \"coastal\" || c.Place == \"port-of-entry\"" },
                new ScopedParam { Name = "excepted", Expression = string.Join(" || ", Exceptions.Select(e => "(" + e.Expression + ")")) },
                new ScopedParam { Name = "subject", Expression = "c.InActivePeriod && covered && !excepted" },
                new ScopedParam
                {
                    Name = "compelling",
                    Expression = "c.ExceptionallyCompelling == \"medical-emergency\" || c.ExceptionallyCompelling == \"imminent-threat\" || c.ExceptionallyCompelling == \"trafficking-victim\" || c.ExceptionallyCompelling == \"other\"",
                },
            ],
            Rules = rules,
        };

        static Rule Lambda(string name, string expression) => new()
        {
            RuleName = name,
            RuleExpressionType = RuleExpressionType.LambdaExpression,
            Expression = expression,
        };
    }

    /// <summary>The idiomatic call: one <c>ExecuteAllRulesAsync</c> per case, with the case as a named rule parameter.</summary>
    public List<RuleResultTree> Execute(ReCase c)
    {
        var pending = engine.ExecuteAllRulesAsync(WorkflowName, new RuleParameter(Parameter, c));
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Runs the workflow on one case and reads the outcome from the rule results.</summary>
    public ComparableOutcome Evaluate(ReCase c)
    {
        var results = Execute(c);
        string? first = null;
        for (var k = 0; k < Exceptions.Count; k++)
        {
            if (results[k].IsSuccess)
            {
                first = Exceptions[k].Code;
                break;
            }
        }

        var standard = results[StandardLimited].IsSuccess ? "reasonable-probability"
            : results[StandardLifted].IsSuccess ? "significant-possibility"
            : null;
        return new ComparableOutcome(results[CoveredPlace].IsSuccess, results[SuspensionApplies].IsSuccess, first, results[AsylumLimitation].IsSuccess, results[FearReferral].IsSuccess, standard);
    }

    /// <summary>
    /// The case as RulesEngine input. The period status is looked up here, once per case and outside the rules, with
    /// the timeline's own time-zone path (<see cref="SuspensionTimeline.StatusAt"/>), independent of the screener's
    /// binary search over day starts: the comparison is of rule evaluation, not of time-zone code.
    /// </summary>
    public static ReCase Input(ScreeningCase c, SuspensionTimeline timeline) => new()
    {
        Id = c.Id,
        Place = ScreeningCase.PlaceCode(c.Place),
        Citizenship = c.Citizenship,
        UnaccompaniedChild = c.Has(CaseFacts.UnaccompaniedChild),
        UsNational = c.Has(CaseFacts.UsNational),
        LawfulPermanentResident = c.Has(CaseFacts.LawfulPermanentResident),
        TraffickingVictim = c.Has(CaseFacts.TraffickingVictim),
        ValidVisaOrDocuments = c.Has(CaseFacts.ValidVisaOrDocuments),
        VisaWaiver = c.Has(CaseFacts.VisaWaiver),
        ArmedForcesOrOfficial = c.Has(CaseFacts.ArmedForcesOrOfficial),
        ScheduledArrival = c.Has(CaseFacts.ScheduledArrival),
        ManifestsFear = c.Has(CaseFacts.ManifestsFear),
        OfficerException = ScreeningCase.OfficerCode(c.OfficerDiscretion),
        ExceptionallyCompelling = c.ExceptionallyCompelling,
        InActivePeriod = (timeline.StatusAt(c.EntryInstant, out _)
            ?? throw new InvalidOperationException($"case {c.Id} is outside the series")) == DayStatus.Active,
    };
}
