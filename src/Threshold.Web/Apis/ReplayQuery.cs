using System.ComponentModel;
using NodaTime;
using NodaTime.Text;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Web.Hosting;

namespace Threshold.Web.Apis;

/// <summary>
/// The replay options of the CLI's <c>replay</c>, as query parameters with the same names in camelCase. Only built-in
/// policies can be named; a reform is expressed with <see cref="Set"/> overrides, never with a file on the server.
/// </summary>
/// <remarks>
/// The names are camelCase, as the docs write them; ASP.NET Core matches query keys without regard to case, so the
/// PascalCase names the OpenAPI document once showed (<c>Policy</c>, <c>AsKnownOn</c>…) still bind.
/// </remarks>
public sealed record ReplayQuery
{
    [Description("Built-in policy id, e.g. proclamation-10773 (see /api/v1/policies).")]
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "policy")]
    public string? Policy { get; init; }

    [Description("A series in the record (default: the series imported first, the bundled series on a record the server seeded). Ignored when the series is uploaded.")]
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "series")]
    public string? Series { get; init; }

    [Description("The series as recorded at this ISO-8601 instant, so later revisions do not rewrite the past.")]
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "asKnownOn")]
    public string? AsKnownOn { get; init; }

    [Description("In-force date (yyyy-MM-dd); required for the bills.")]
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "inForce")]
    public string? InForce { get; init; }

    [Description("Days from a window's last day to the determination that reads it.")]
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "determinationLag")]
    public int? DeterminationLag { get; init; }

    [Description("Parameter overrides NAME=VALUE, e.g. deactivate.threshold=2000 (repeatable).")]
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "set")]
    public string[]? Set { get; init; }

    [Description("Court-order fallbacks ID=DATE, e.g. streak-enjoined=2024-11-01 (repeatable).")]
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "courtOrder")]
    public string[]? CourtOrder { get; init; }

    [Description("Dated determinations DATE=active|inactive for hr2-2023 (repeatable).")]
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "determination")]
    public string[]? Determination { get; init; }

    [Description("proposed (default): determinations proposed from the data, never history; official: only the determinations actually made and published (law/determinations/) and those recorded.")]
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "timeline")]
    public string? Timeline { get; init; }

    /// <summary>The timeline asked for (default proposed); anything but official or proposed is refused naming the parameter.</summary>
    public TimelineKind TimelineKind() => Timeline switch
    {
        null or "proposed" => Threshold.Engine.TimelineKind.Proposed,
        "official" => Threshold.Engine.TimelineKind.Official,
        _ => throw new RequestValidationException("timeline", $"timeline: '{Timeline}' must be official or proposed"),
    };

    /// <summary>The policy document named by <see cref="Policy"/>.</summary>
    public PolicyDocument PolicyDocument() =>
        Policy is null ? throw new RequestValidationException("policy", "policy is required (a built-in id, see /api/v1/policies)")
        : BuiltInPolicies.Exists(Policy) ? BuiltInPolicies.Get(Policy)
        : throw new RequestValidationException("policy", $"policy '{Policy}' is not a built-in policy ({string.Join(", ", BuiltInPolicies.Ids)})");

    /// <summary>
    /// The replay options, every value validated, worded in the web's terms: the what-ifs are parsed by the engine's one
    /// grammar (<see cref="WhatIfGrammar"/>) and, for a built-in policy, checked against it here, so a 400 names the
    /// query parameter at fault (<c>set</c>, <c>inForce</c>, <c>courtOrder</c>…) rather than a CLI flag.
    /// </summary>
    public ReplayOptions Options()
    {
        try
        {
            var options = WhatIfGrammar.Options(
                new WhatIfText
                {
                    InForce = InForce,
                    DeterminationLag = DeterminationLag?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Set = Set ?? [],
                    CourtOrder = CourtOrder ?? [],
                    Determination = Determination ?? [],
                },
                Words);
            if (Policy is not null && BuiltInPolicies.Exists(Policy))
            {
                _ = CompiledPolicy.Compile(BuiltInPolicies.Get(Policy), options);
            }

            return options;
        }
        catch (ReplayRequestException e) when (e.WhatIf is { } what)
        {
            throw Invalid(what);
        }
    }

    /// <summary>The web's words for the engine's typed what-ifs: its query parameters, e.g. "set=deactivate.threshold=2000".</summary>
    public static WhatIfWording Words { get; } = new WebWording();

    /// <summary>A typed what-if problem as a 400 naming the query parameter at fault.</summary>
    public static RequestValidationException Invalid(WhatIfProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new RequestValidationException(Words.Name(problem.Option), problem.In(Words));
    }

    /// <summary>The as-known-on instant, or null for the data as recorded now.</summary>
    public Instant? AsKnownOnInstant() => AsKnownOn is null ? null : InstantParameter("asKnownOn", AsKnownOn);

    /// <summary>Parses a yyyy-MM-dd parameter.</summary>
    public static LocalDate Date(string field, string text) =>
        LocalDatePattern.Iso.Parse(text) is { Success: true } parsed ? parsed.Value
        : throw new RequestValidationException(field, $"{field}: '{text}' is not a date in yyyy-MM-dd form");

    /// <summary>Parses an ISO-8601 instant, in UTC (…Z) or with an offset.</summary>
    public static Instant InstantParameter(string field, string text)
    {
        if (InstantPattern.ExtendedIso.Parse(text) is { Success: true } utc)
        {
            return utc.Value;
        }

        if (OffsetDateTimePattern.ExtendedIso.Parse(text) is not { Success: true } offset)
        {
            throw new RequestValidationException(field, $"{field}: '{text}' is not an ISO-8601 instant, e.g. 2024-08-01T12:00:00Z");
        }

        try
        {
            return offset.Value.ToInstant();
        }
        catch (OverflowException)
        {
            // 9999-12-31T23:59:59-05:00 is 10000-01-01 in UTC: bad input naming the field, not a 500.
            throw new RequestValidationException(field, $"{field}: '{text}' is outside the instants that can be held once converted to UTC ({Instant.MinValue} to {Instant.MaxValue})");
        }
    }

    /// <summary>The query parameters' names for the what-ifs, in the camelCase the API documents.</summary>
    private sealed class WebWording : WhatIfWording
    {
        public override string Name(WhatIfOption whatIf) => whatIf switch
        {
            WhatIfOption.Set => "set",
            WhatIfOption.InForce => "inForce",
            WhatIfOption.CourtOrder => "courtOrder",
            WhatIfOption.DeterminationLag => "determinationLag",
            WhatIfOption.Determination => "determination",
            WhatIfOption.Date => "date",
            WhatIfOption.WithoutOrder => "withoutOrder",
            WhatIfOption.AllowGaps => "allowGaps",
            _ => throw new ArgumentOutOfRangeException(nameof(whatIf), whatIf, "not a what-if option"),
        };

        public override string Usage(WhatIfOption whatIf) => whatIf switch
        {
            WhatIfOption.InForce or WhatIfOption.Date => $"{Name(whatIf)}=yyyy-MM-dd",
            WhatIfOption.AllowGaps => "allowGaps=true",
            WhatIfOption.Set => "set=NAME=VALUE",
            WhatIfOption.CourtOrder => "courtOrder=ID=DATE",
            WhatIfOption.Determination => "determination=DATE=active|inactive",
            WhatIfOption.DeterminationLag => "determinationLag=DAYS",
            WhatIfOption.WithoutOrder => "withoutOrder=ID",
            _ => throw new ArgumentOutOfRangeException(nameof(whatIf), whatIf, "not a what-if option"),
        };

        /// <summary>As the parameter stands in the query string: set=deactivate.threshold=2000.</summary>
        public override string Phrase(WhatIfOption whatIf, string? value) => value is null ? Name(whatIf) : $"{Name(whatIf)}={value}";
    }
}
