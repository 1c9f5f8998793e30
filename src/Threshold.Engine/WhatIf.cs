using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Threshold.Engine;

/// <summary>
/// The what-ifs and options a replay or a screening can be asked with, named apart from any front end's spelling: the
/// CLI spells <see cref="Set"/> <c>--set</c>, the web <c>set</c>. Errors and labels carry one of these, and each front
/// end words it through its own <see cref="WhatIfWording"/>.
/// </summary>
public enum WhatIfOption
{
    /// <summary>A parameter set to a value on every date (NAME=VALUE).</summary>
    Set,

    /// <summary>A hypothetical in-force date (yyyy-MM-dd).</summary>
    InForce,

    /// <summary>A declared court-order fallback from a date (ID=DATE).</summary>
    CourtOrder,

    /// <summary>Days from a window's last day to the determination that reads it.</summary>
    DeterminationLag,

    /// <summary>A dated Secretary's determination (DATE=active|inactive).</summary>
    Determination,

    /// <summary>The day to explain.</summary>
    Date,

    /// <summary>A court order or order event left out of a screening.</summary>
    WithoutOrder,

    /// <summary>Accept missing dates in a series.</summary>
    AllowGaps,
}

/// <summary>
/// What is wrong with one what-if, without naming how a front end spells it.
/// </summary>
/// <param name="Option">The option at fault.</param>
/// <param name="Value">The value as the user gave it (e.g. "deactivate.threshold=abc"), or null when the option itself is at fault.</param>
/// <param name="Problem">The problem, e.g. "not a date in yyyy-MM-dd form". May hold <see cref="UsageMarker"/>, where the wording puts how to ask for the option.</param>
/// <param name="Leads">True (the usual) when a message starts with the option and its value; false when <see cref="Problem"/> names the option itself (through the marker).</param>
public sealed record WhatIfProblem(WhatIfOption Option, string? Value, string Problem, bool Leads = true)
{
    /// <summary>Stands in a <see cref="Problem"/> for how to ask for the option, e.g. "--in-force DATE" or "inForce=yyyy-MM-dd".</summary>
    public const string UsageMarker = "{usage}";

    /// <summary>This problem as a message in <paramref name="wording"/>'s terms.</summary>
    public string In(WhatIfWording wording)
    {
        ArgumentNullException.ThrowIfNull(wording);
        var problem = Problem.Replace(UsageMarker, wording.Usage(Option), StringComparison.Ordinal);
        return Leads ? $"{wording.Phrase(Option, Value)}: {problem}" : problem;
    }
}

/// <summary>
/// How one front end names the what-if options in its messages and in the labels of the overlays it asks for. The
/// engine knows only <see cref="Neutral"/>; the CLI words them with its flags and the web with its query parameters.
/// </summary>
public abstract class WhatIfWording
{
    /// <summary>Plain words, for callers with no spelling of their own (a scenario file, a test).</summary>
    public static WhatIfWording Neutral { get; } = new NeutralWording();

    /// <summary>The option's name, e.g. "--set" or "set".</summary>
    public abstract string Name(WhatIfOption whatIf);

    /// <summary>How to ask for the option with a value of the right form, e.g. "--in-force DATE".</summary>
    public abstract string Usage(WhatIfOption whatIf);

    /// <summary>The option with the value the user gave, as the user wrote it, e.g. "--set deactivate.threshold=2000".</summary>
    public virtual string Phrase(WhatIfOption whatIf, string? value) => value is null ? Name(whatIf) : $"{Name(whatIf)} {value}";

    /// <summary>The message of <paramref name="exception"/> in these terms: its typed problem worded here, else its message.</summary>
    public string Message(Exception exception) => exception switch
    {
        ReplayRequestException { WhatIf: { } what } => what.In(this),
        InputFileException { WhatIf: { } what } file => Threshold.Law.LocatedInputException.Format(file.FileName, file.Line, what.In(this), file.Field),
        _ => exception?.Message ?? string.Empty,
    };

    private sealed class NeutralWording : WhatIfWording
    {
        public override string Name(WhatIfOption whatIf) => whatIf switch
        {
            WhatIfOption.Set => "set",
            WhatIfOption.InForce => "in-force date",
            WhatIfOption.CourtOrder => "court order",
            WhatIfOption.DeterminationLag => "determination lag",
            WhatIfOption.Determination => "determination",
            WhatIfOption.Date => "date",
            WhatIfOption.WithoutOrder => "order left out",
            WhatIfOption.AllowGaps => "allow gaps",
            _ => throw new ArgumentOutOfRangeException(nameof(whatIf), whatIf, "not a what-if option"),
        };

        public override string Usage(WhatIfOption whatIf) => whatIf switch
        {
            WhatIfOption.InForce => "an in-force date (yyyy-MM-dd)",
            WhatIfOption.AllowGaps => "the allow-gaps option",
            _ => $"a {Name(whatIf)}",
        };
    }
}

/// <summary>
/// The what-ifs of a request as the user typed them, before parsing: the same grammar whichever front end they came
/// through (the CLI's repeatable <c>--set</c>, the web's repeatable <c>set</c>).
/// </summary>
public sealed record WhatIfText
{
    /// <summary>yyyy-MM-dd.</summary>
    public string? InForce { get; init; }

    /// <summary>A whole number of days.</summary>
    public string? DeterminationLag { get; init; }

    /// <summary>Each NAME=VALUE.</summary>
    public IReadOnlyList<string> Set { get; init; } = [];

    /// <summary>Each ID=DATE.</summary>
    public IReadOnlyList<string> CourtOrder { get; init; } = [];

    /// <summary>Each DATE=active or DATE=inactive.</summary>
    public IReadOnlyList<string> Determination { get; init; } = [];
}

/// <summary>
/// The one parser of the what-if grammar, for the CLI and the web alike. Every refusal is a
/// <see cref="ReplayRequestException"/> carrying a <see cref="WhatIfProblem"/>, which each front end words itself.
/// </summary>
public static class WhatIfGrammar
{
    /// <summary>Parses every what-if of <paramref name="text"/>; the overlays it makes will be labelled in <paramref name="wording"/>'s terms.</summary>
    public static ReplayOptions Options(WhatIfText text, WhatIfWording wording)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(wording);
        return new ReplayOptions
        {
            InForce = text.InForce is null ? null : Date(WhatIfOption.InForce, text.InForce),
            DeterminationLagDays = text.DeterminationLag is null ? null : DeterminationLag(text.DeterminationLag),
            Overrides = [.. text.Set.Select(Set)],
            CourtOrders = [.. text.CourtOrder.Select(CourtOrder)],
            Determinations = [.. text.Determination.Select(Determination)],
            Wording = wording,
        };
    }

    /// <summary>A yyyy-MM-dd date given to <paramref name="option"/>.</summary>
    public static LocalDate Date(WhatIfOption option, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = LocalDatePattern.Iso.Parse(text.Trim());
        return result.Success ? result.Value : throw Refused(option, text, "not a date in yyyy-MM-dd form");
    }

    /// <summary>NAME=VALUE, e.g. deactivate.threshold=2000.</summary>
    public static ParameterOverride Set(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Split(text) is var (name, value) && name.Length > 0 && value.Length > 0
            ? new ParameterOverride(name, value)
            : throw Refused(WhatIfOption.Set, text, "expected NAME=VALUE, e.g. deactivate.threshold=2000");
    }

    /// <summary>ID=DATE, e.g. streak-enjoined=2024-11-01.</summary>
    public static CourtOrderInput CourtOrder(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Split(text) is not var (id, from) || id.Length == 0)
        {
            throw Refused(WhatIfOption.CourtOrder, text, "expected ID=DATE, e.g. streak-enjoined=2024-11-01");
        }

        var date = LocalDatePattern.Iso.Parse(from);
        return date.Success ? new CourtOrderInput(id, date.Value) : throw Refused(WhatIfOption.CourtOrder, text, $"'{from}' is not a date in yyyy-MM-dd form");
    }

    /// <summary>DATE=active or DATE=inactive.</summary>
    public static SecretaryDeterminationInput Determination(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Split(text) is not var (day, state) || day.Length == 0)
        {
            throw Refused(WhatIfOption.Determination, text, "expected DATE=active or DATE=inactive");
        }

        var date = LocalDatePattern.Iso.Parse(day);
        if (!date.Success)
        {
            throw Refused(WhatIfOption.Determination, text, $"'{day}' is not a date in yyyy-MM-dd form");
        }

        return state switch
        {
            "active" => new SecretaryDeterminationInput(date.Value, true),
            "inactive" => new SecretaryDeterminationInput(date.Value, false),
            _ => throw Refused(WhatIfOption.Determination, text, $"'{state}' must be active or inactive"),
        };
    }

    /// <summary>A whole number of days (its range, 0 to 365, is checked against the policy by <see cref="PolicyOverlay"/>).</summary>
    public static int DeterminationLag(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var days)
            ? days
            : throw Refused(WhatIfOption.DeterminationLag, text, "not a whole number of days");
    }

    /// <summary>The ids of the court orders and order events left out (checked against the instruments by the screener).</summary>
    public static IReadOnlySet<string> WithoutOrders(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var trimmed = id.Trim();
            _ = trimmed.Length > 0 ? result.Add(trimmed) : throw Refused(WhatIfOption.WithoutOrder, id, "expected the id of a court order or order event, e.g. las-americas-2025");
        }

        return result;
    }

    private static (string Left, string Right)? Split(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? null : (text[..eq].Trim(), text[(eq + 1)..].Trim());
    }

    private static ReplayRequestException Refused(WhatIfOption option, string value, string problem) =>
        new(new WhatIfProblem(option, value, problem));
}
