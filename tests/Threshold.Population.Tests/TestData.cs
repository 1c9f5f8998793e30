using System.Text.RegularExpressions;
using NodaTime;
using Threshold.Screening;

namespace Threshold.Population.Tests;

/// <summary>Locates the repository, caches the mixes the tests use and one large July 2024 sample.</summary>
internal static partial class TestData
{
    public const int LargeCount = 200_000;

    public const ulong LargeSeed = 20240705;

    public static readonly YearMonth July2024 = new(2024, 7);

    private static readonly Lazy<string> Root = new(FindRoot);
    private static readonly Dictionary<YearMonth, PopulationMix> Mixes = [];
    private static readonly Lazy<SyntheticCase[]> LazyJulySample = new(() => new CaseGenerator(Mix(July2024), LargeSeed).GenerateDetailed(LargeCount).ToArray());

    // An independent Eastern calendar: the OS tz database through .NET, not NodaTime.
    private static readonly TimeZoneInfo EasternByDotNet = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    public static string SourceDirectory => Path.Combine(Root.Value, "data", "source");

    /// <summary>200,000 cases of July 2024, seed <see cref="LargeSeed"/>.</summary>
    public static SyntheticCase[] JulySample => LazyJulySample.Value;

    public static PopulationMix Mix(YearMonth month)
    {
        lock (Mixes)
        {
            if (!Mixes.TryGetValue(month, out var mix))
            {
                Mixes[month] = mix = PopulationMix.Load(SourceDirectory, month);
            }

            return mix;
        }
    }

    /// <summary>The Eastern wall time and offset of an instant by .NET's TimeZoneInfo.</summary>
    public static (DateTime Local, TimeSpan Offset) Eastern(Instant instant)
    {
        var utc = instant.ToDateTimeUtc();
        return (TimeZoneInfo.ConvertTimeFromUtc(utc, EasternByDotNet), EasternByDotNet.GetUtcOffset(utc));
    }

    [GeneratedRegex("^synthetic-[0-9]{4}-[0-9]{2}-[0-9]{6,}$")]
    public static partial Regex IdPattern();

    /// <summary>
    /// The consistency rules of docs/population.md, each asserted for one case; returns the first broken rule or null.
    /// </summary>
    public static string? BrokenRule(SyntheticCase sc, PopulationMix mix)
    {
        var c = sc.Case;
        var status = new[] { CaseFacts.UsNational, CaseFacts.LawfulPermanentResident, CaseFacts.ValidVisaOrDocuments, CaseFacts.VisaWaiver, CaseFacts.ArmedForcesOrOfficial }.Count(c.Has);
        var uc = c.Has(CaseFacts.UnaccompaniedChild);
        var exception = uc || status > 0 || c.Has(CaseFacts.TraffickingVictim) || c.Has(CaseFacts.ScheduledArrival);
        var (local, offset) = Eastern(c.EntryInstant);
        var date = new LocalDate(local.Year, local.Month, local.Day);
        return true switch
        {
            _ when !IdPattern().IsMatch(c.Id) || !c.Id.StartsWith($"synthetic-{mix.Month.Year:D4}-{mix.Month.Month:D2}-", StringComparison.Ordinal) => "id is synthetic-yyyy-MM-NNNNNN of the month",
            _ when c.Citizenship.Length != 2 || !char.IsAsciiLetterUpper(c.Citizenship[0]) || !char.IsAsciiLetterUpper(c.Citizenship[1]) => "citizenship is two capital letters",
            _ when date.ToYearMonth() != mix.Month || c.EntryDateEastern.ToYearMonth() != mix.Month => "entry falls in the month (Eastern)",
            _ when offset != c.EnteredAt.Offset.ToTimeSpan() => "offset is the Eastern offset at the instant",
            _ when LocalDateTime.FromDateTime(local) != c.EnteredAt.LocalDateTime => "wall time is the Eastern wall time",
            _ when uc != (sc.FamilyStatus == FamilyStatus.UnaccompaniedChild) => "unaccompaniedChild iff family status UC",
            _ when uc && (status > 0 || c.Has(CaseFacts.ScheduledArrival) || c.OfficerDiscretion != OfficerDiscretion.None || c.ExceptionallyCompelling is not null) => "a UC has no lawful status, appointment, officer exception or ECC",
            _ when uc && c.Citizenship is CountryCodes.Canada or CountryCodes.UnitedStates => "a UC is Mexican or non-contiguous",
            _ when status > 1 => "at most one lawful status",
            _ when status > 0 && (c.Has(CaseFacts.TraffickingVictim) || c.Has(CaseFacts.ManifestsFear) || c.Has(CaseFacts.ScheduledArrival) || c.OfficerDiscretion != OfficerDiscretion.None || c.ExceptionallyCompelling is not null) => "a lawful status has no other fact",
            _ when c.Has(CaseFacts.UsNational) != (c.Citizenship == CountryCodes.UnitedStates) => "usNational iff citizenship US",
            _ when (c.Has(CaseFacts.ValidVisaOrDocuments) || c.Has(CaseFacts.VisaWaiver) || c.Has(CaseFacts.ScheduledArrival)) && c.Place != EntryPlace.PortOfEntry => "visa, visa waiver and appointments only at ports of entry",
            _ when c.Has(CaseFacts.VisaWaiver) && !CountryCodes.IsVisaWaiver(c.Citizenship, date) => "visa waiver only for VWP nationals on the entry date",
            _ when c.Has(CaseFacts.ScheduledArrival) && PopulationAssumptions.AppointmentsPerDay(date) == 0 => "appointments only on days with CBP One capacity",
            _ when c.OfficerDiscretion != OfficerDiscretion.None && exception => "an officer exception only where no other exception applies",
            _ when c.ExceptionallyCompelling is not null && (exception || c.OfficerDiscretion != OfficerDiscretion.None) => "ECC only where no exception applies",
            _ => null,
        };
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "data", "source", "README.md"))
                && File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (data/source/README.md) above " + AppContext.BaseDirectory);
    }
}
