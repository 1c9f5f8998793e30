using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// The case files and the runs of <c>screen</c> shared by <see cref="ScreenCommandTests"/>: each run happens at most once
/// per test session; the files live in a private temporary folder deleted afterwards.
/// </summary>
public sealed class ScreenFixture : IDisposable
{
    private const string July15 = "2024-07-15T10:00:00-04:00";

    private readonly Lazy<CliResult> proclamation;
    private readonly Lazy<CliResult> decidedOn;
    private readonly Lazy<CliResult> withoutOrder;
    private readonly Lazy<CliResult> senate;
    private readonly Lazy<CliResult> hr2;

    public ScreenFixture()
    {
        // Proclamation 10773 (active from 12:01 a.m. EDT June 5, 2024 to the end of the bundled series).
        SemanticsFile = Temp.Write("semantics.jsonl", Cases.Lines(
            Cases.Json("early", "2024-06-05T00:00:30-04:00", "between-ports", "GT"),
            Cases.Json("ontime", "2024-06-05T00:01:00-04:00", "between-ports", "GT"),
            Cases.Json("early-utc", "2024-06-05T04:00:59Z", "between-ports", "GT"),
            Cases.Json("ontime-pacific", "2024-06-04T21:01:00-07:00", "between-ports", "GT"),
            Cases.Json("cu", July15, "between-ports", "CU"),
            Cases.Json("mx", July15, "between-ports", "MX"),
            Cases.Json("gt", July15, "between-ports", "GT"),
            Cases.Json("uc", July15, "between-ports", "CU", "\"unaccompaniedChild\":true"),
            Cases.Json("fear", July15, "between-ports", "CU", "\"manifestsFear\":true"),
            Cases.Json("poe-scheduled", July15, "port-of-entry", "GT", "\"scheduledArrival\":true"),
            Cases.Json("poe-walkup", July15, "port-of-entry", "GT"),
            Cases.Json("coastal-ht", July15, "coastal", "HT"),
            Cases.Json("visa-waiver", July15, "between-ports", "GB", "\"visaWaiver\":true"),
            Cases.Json("ecc", July15, "between-ports", "CU", "\"exceptionallyCompelling\":\"medical-emergency\""),
            Cases.Json("two-exceptions", July15, "between-ports", "CU", "\"usNational\":true,\"lawfulPermanentResident\":true"),
            Cases.Json("officer", July15, "between-ports", "VE", "\"officerException\":\"totality\",\"exceptionallyCompelling\":null"),
            Cases.Json("jan15", "2025-01-15T12:00:00-05:00", "between-ports", "HN")));

        // The Senate authority from 2024-01-01 is active from 2024-01-09 to 2024-07-04 on the bundled series.
        SenateFile = Temp.Write("senate.jsonl", Cases.Lines(
            Cases.Json("s-gt", "2024-03-01T12:00:00-05:00", "between-ports", "GT"),
            Cases.Json("s-poe", "2024-03-01T12:00:00-05:00", "port-of-entry", "GT"),
            Cases.Json("s-visa-waiver", "2024-03-01T12:00:00-05:00", "between-ports", "GB", "\"visaWaiver\":true"),
            Cases.Json("s-fear", "2024-03-01T12:00:00-05:00", "between-ports", "GT", "\"manifestsFear\":true"),
            Cases.Json("s-uc", "2024-03-01T12:00:00-05:00", "between-ports", "GT", "\"unaccompaniedChild\":true")));

        Hr2File = Temp.Write("hr2.jsonl", Cases.Lines(
            Cases.Json("h-early", "2024-06-05T00:00:30-04:00", "between-ports", "GT"),
            Cases.Json("h-gt", July15, "between-ports", "GT"),
            Cases.Json("h-coastal-cu", July15, "coastal", "CU"),
            Cases.Json("h-poe", July15, "port-of-entry", "GT")));

        proclamation = new(() => Cases.Screen("--cases", SemanticsFile));
        decidedOn = new(() => Cases.Screen("--cases", SemanticsFile, "--decided-on", "2025-05-09"));
        withoutOrder = new(() => Cases.Screen("--cases", SemanticsFile, "--decided-on", "2025-05-09", "--without-order", "las-americas-2025"));
        senate = new(() => Cases.ScreenUnder(["--policy", "senate-border-act-2024", "--in-force", "2024-01-01"], "--cases", SenateFile));
        hr2 = new(() => Cases.ScreenUnder(["--policy", "hr2-2023", "--in-force", "2024-06-05"], "--cases", Hr2File));
    }

    public TempFolder Temp { get; } = new();

    public string SemanticsFile { get; }

    public string SenateFile { get; }

    public string Hr2File { get; }

    internal CliResult Proclamation => proclamation.Value;

    internal CliResult DecidedOn => decidedOn.Value;

    internal CliResult WithoutOrder => withoutOrder.Value;

    internal CliResult Senate => senate.Value;

    internal CliResult Hr2 => hr2.Value;

    public void Dispose() => Temp.Dispose();
}

/// <summary>
/// <c>threshold screen</c> end to end with the bundled MODELED series: who the suspension applies to at the 12:01 a.m.
/// Eastern boundary, exceptions, the asylum limitation, fear screening, return destinations, court orders, the bills,
/// the output forms (one JSON object, JSONL in input order, CSV input, --out, --format table) and user arrangements.
/// </summary>
public class ScreenCommandTests(ScreenFixture fx) : IClassFixture<ScreenFixture>
{
    /// <summary>Exit 0 and the results by id (their shape is asserted separately, so one defect fails one test).</summary>
    private static Dictionary<string, JsonElement> Ok(CliResult r)
    {
        CliAssert.Ok(r);
        return Cases.ById(r);
    }

    // ---- Proclamation 10773 semantics ----

    [Fact]
    public void Screen_Jsonl_OneResultPerLineInInputOrder()
    {
        CliAssert.Ok(fx.Proclamation);
        var lines = fx.Proclamation.Stdout.TrimEnd('\n').Split('\n');
        var ids = Cases.Results(fx.Proclamation).Select(e => e.GetProperty("id").GetString()).ToList();
        var expected = File.ReadAllLines(fx.SemanticsFile).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(expected.Count, lines.Length);
        Assert.Equal(expected, ids);
    }

    [Fact]
    public void Screen_Jsonl_EveryResultHasTheContractFields()
    {
        CliAssert.Ok(fx.Proclamation);
        Assert.All(Cases.Results(fx.Proclamation), r => Cases.HasContractShape(r, bulk: true));
    }

    [Fact]
    public void Screen_EntryThirtySecondsBefore1201Edt_IsNotSubject_At1201_IsSubject()
    {
        var r = Ok(fx.Proclamation);
        foreach (var id in new[] { "early", "early-utc" })
        {
            Assert.False(r[id].Bool("suspensionApplies"), id);
            Assert.False(r[id].Bool("asylumLimitationApplies"), id);
            Assert.Null(r[id].Str("exception"));
            Assert.Null(r[id].Str("returnDestination"));
            Assert.False(r[id].Step("active-period").Bool("held"), id);
        }

        foreach (var id in new[] { "ontime", "ontime-pacific" })
        {
            Assert.True(r[id].Bool("suspensionApplies"), id);
            Assert.True(r[id].Bool("asylumLimitationApplies"), id);
            Assert.True(r[id].Step("active-period").Bool("held"), id);
            Assert.Equal("GT", r[id].Str("returnDestination"));
        }
    }

    [Fact]
    public void Screen_CubanAdultBetweenPortsInJuly2024_ReturnedToMexicoUnderTheCap()
    {
        var cu = Ok(fx.Proclamation)["cu"];
        Assert.True(cu.Bool("suspensionApplies"));
        Assert.True(cu.Bool("asylumLimitationApplies"));
        Assert.Equal("MX", cu.Str("returnDestination"));
        Assert.False(cu.Bool("overflow"));
        Assert.Equal("mexico-chnv-30000", cu.GetProperty("removal").Str("arrangementId"));
        Assert.Equal("2024-07", cu.GetProperty("removal").Str("ledgerMonth"));
    }

    [Fact]
    public void Screen_MexicanToMexico_GuatemalanToGuatemala()
    {
        var r = Ok(fx.Proclamation);
        Assert.Equal("MX", r["mx"].Str("returnDestination"));
        Assert.False(r["mx"].Bool("overflow"));
        Assert.Null(r["mx"].GetProperty("removal").Str("arrangementId"));
        Assert.Equal("GT", r["gt"].Str("returnDestination"));
        Assert.True(r["gt"].Bool("suspensionApplies"));
        Assert.False(r["gt"].Bool("overflow"));
    }

    [Fact]
    public void Screen_UnaccompaniedChild_NotSubjectWithItsException()
    {
        var uc = Ok(fx.Proclamation)["uc"];
        Assert.False(uc.Bool("suspensionApplies"));
        Assert.Equal("unaccompanied-child", uc.Str("exception"));
        Assert.Equal(["unaccompanied-child"], uc.Strings("exceptions"));
        Assert.False(uc.Bool("asylumLimitationApplies"));
        Assert.Null(uc.Str("returnDestination"));
        Assert.True(uc.Step("unaccompanied-child").Bool("held"));
        Assert.Contains("§3(b)(iii)", Cases.CitationText(uc.Step("unaccompanied-child").GetProperty("citation")), StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_ManifestsFear_ReferredAtReasonableProbabilityAndNotReturned()
    {
        var fear = Ok(fx.Proclamation)["fear"];
        Assert.True(fear.Bool("suspensionApplies"));
        Assert.True(fear.Bool("fearReferral"));
        Assert.Equal("reasonable-probability", fear.Str("screeningStandard"));
        Assert.Null(fear.Str("returnDestination"));
        Assert.False(fear.Bool("overflow"));
    }

    [Fact]
    public void Screen_LabelledExceptions_AreReportedWithCodes()
    {
        var r = Ok(fx.Proclamation);
        Assert.Equal("scheduled-arrival", r["poe-scheduled"].Str("exception"));
        Assert.False(r["poe-scheduled"].Bool("suspensionApplies"));
        Assert.True(r["poe-walkup"].Bool("suspensionApplies")); // 10773 covers ports of entry
        Assert.Equal("GT", r["poe-walkup"].Str("returnDestination"));
        Assert.Equal("visa-waiver", r["visa-waiver"].Str("exception"));
        Assert.False(r["visa-waiver"].Bool("suspensionApplies"));
        Assert.Equal("officer-totality", r["officer"].Str("exception"));
        Assert.Null(r["officer"].Str("returnDestination"));
        var two = r["two-exceptions"];
        Assert.False(two.Bool("suspensionApplies"));
        Assert.Equal(["lawful-permanent-resident", "us-national"], two.Strings("exceptions").Order(StringComparer.Ordinal).ToList());
        Assert.Contains(two.Str("exception"), two.Strings("exceptions"));
    }

    [Fact]
    public void Screen_CoastalHaitian_SubjectAndReturnedToMexico()
    {
        var ht = Ok(fx.Proclamation)["coastal-ht"];
        Assert.True(ht.Bool("suspensionApplies"));
        Assert.Equal("MX", ht.Str("returnDestination"));
    }

    [Fact]
    public void Screen_ExceptionallyCompelling_LiftsTheLimitationButNotTheSuspension()
    {
        var ecc = Ok(fx.Proclamation)["ecc"];
        Assert.True(ecc.Bool("suspensionApplies"));
        Assert.False(ecc.Bool("asylumLimitationApplies"));
        Assert.Equal("medical-emergency", ecc.Str("exceptionallyCompelling"));
    }

    [Fact]
    public void Screen_DecidedOnAfterLasAmericas_LiftsTheLimitation_WithoutOrderRestoresIt()
    {
        var before = Ok(fx.Proclamation)["cu"];
        Assert.True(before.Bool("asylumLimitationApplies"));
        Assert.Empty(before.Orders());

        var after = Ok(fx.DecidedOn)["cu"];
        Assert.True(after.Bool("suspensionApplies"));
        Assert.False(after.Bool("asylumLimitationApplies"));
        Assert.Equal(["las-americas-2025"], after.Orders());
        Assert.Equal("2025-05-09", after.Str("decidedOn"));

        var without = Ok(fx.WithoutOrder)["cu"];
        Assert.True(without.Bool("asylumLimitationApplies"));
        Assert.Empty(without.Orders());
        Assert.Equal("reasonable-probability", Ok(fx.WithoutOrder)["fear"].Str("screeningStandard"));
    }

    [Fact]
    public void Screen_SenateAuthority_UsesItsOwnPlacesAndExceptions()
    {
        var r = Ok(fx.Senate);
        Assert.All(r.Values, e => Assert.Equal("senate-border-act-2024", e.Str("policy")));
        Assert.True(r["s-gt"].Bool("suspensionApplies"));
        Assert.Equal("GT", r["s-gt"].Str("returnDestination"));
        Assert.False(r["s-poe"].Bool("suspensionApplies")); // ports of entry are not covered
        Assert.Null(r["s-poe"].Str("returnDestination"));
        Assert.True(r["s-visa-waiver"].Bool("suspensionApplies")); // no visa-waiver exception in the bill
        Assert.Empty(r["s-visa-waiver"].Strings("exceptions"));
        Assert.DoesNotContain(r["s-gt"].GetProperty("trace").EnumerateArray(), t => t.Str("rule") == "visa-waiver");
        Assert.True(r["s-fear"].Bool("fearReferral"));
        Assert.Equal("reasonable-possibility", r["s-fear"].Str("screeningStandard"));
        Assert.Equal("unaccompanied-child", r["s-uc"].Str("exception"));
    }

    [Fact]
    public void Screen_Hr2_BetweenPortsEntrantsReturnedToContiguousMexico()
    {
        var r = Ok(fx.Hr2);
        foreach (var id in new[] { "h-gt", "h-coastal-cu" })
        {
            Assert.True(r[id].Bool("suspensionApplies"), id);
            Assert.Equal("MX", r[id].Str("returnDestination"));
            Assert.Equal("contiguous-return", r[id].GetProperty("removal").Str("path"));
            Assert.False(r[id].Bool("overflow"));
        }

        Assert.False(r["h-poe"].Bool("suspensionApplies"));
        Assert.Null(r["h-poe"].Str("returnDestination"));
        Assert.False(r["h-early"].Bool("suspensionApplies")); // before 12:01 a.m. on the in-force date
        Assert.Null(r["h-early"].Str("returnDestination"));
    }

    // ---- replay options carry through to screening ----

    [Fact]
    public void Screen_SetDeactivateThreshold_EndsTheSuspensionForLaterEntries()
    {
        // With deactivate.threshold=2000 the bundled series deactivates 10773 from 12:01 a.m. July 10, 2024.
        var file = fx.Temp.Write("set.jsonl", Cases.Lines(
            Cases.Json("jul05", "2024-07-05T12:00:00-04:00", "between-ports", "GT"),
            Cases.Json("jul15", "2024-07-15T12:00:00-04:00", "between-ports", "GT")));
        var r = Ok(Cases.Screen("--cases", file, "--set", "deactivate.threshold=2000"));
        Assert.True(r["jul05"].Bool("suspensionApplies"));
        Assert.False(r["jul15"].Bool("suspensionApplies"));
        Assert.False(r["jul15"].Step("active-period").Bool("held"));
        Assert.Null(r["jul15"].Str("returnDestination"));
    }

    [Fact]
    public void Screen_CourtOrderStreakEnjoined_EndsTheSuspensionInJanuary2025()
    {
        Assert.True(Ok(fx.Proclamation)["jan15"].Bool("suspensionApplies"));
        var file = fx.Temp.Write("court.jsonl", Cases.Lines(Cases.Json("jan15", "2025-01-15T12:00:00-05:00", "between-ports", "HN")));
        var r = Ok(Cases.Screen("--cases", file, "--court-order", "streak-enjoined=2024-11-01"));
        Assert.False(r["jan15"].Bool("suspensionApplies"));
    }

    // ---- output forms ----

    [Fact]
    public void Screen_OneCase_PrintsOneJsonObjectWithVersionsAndResult()
    {
        var file = fx.Temp.Write("one.json", "{\n  \"id\": \"one\",\n  \"enteredAt\": \"2024-07-15T10:00:00-04:00\",\n  \"place\": \"between-ports\",\n  \"citizenship\": \"CU\",\n  \"manifestsFear\": false\n}\n");
        var r = Cases.Screen("--case", file);
        CliAssert.Ok(r);
        var root = r.Root();
        Assert.False(string.IsNullOrEmpty(root.Str("engineVersion")));
        Assert.StartsWith("sha256:", root.Str("ruleSetVersion"), StringComparison.Ordinal);
        Assert.True(root.Bool("modeledEncounters"));
        var result = root.GetProperty("result");
        Cases.HasContractShape(result);
        Assert.Equal("one", result.Str("id"));
        Assert.Equal("MX", result.Str("returnDestination"));
    }

    [Fact]
    public void Screen_SharedTraces_WrittenOnceThenNamed_InlineGivesTheSameResults()
    {
        var shared = fx.Proclamation;
        var inline = Cases.Screen("--cases", fx.SemanticsFile, "--trace", "inline");
        CliAssert.Ok(shared);
        CliAssert.Ok(inline);
        var sharedLines = shared.Stdout.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var inlineLines = inline.Stdout.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

        // Shared: each explanationId carries its explanation on its first line only, and the explanation's id is the
        // SHA-256 of its JSON; inline: flags, citations and trace on every line.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in sharedLines)
        {
            var id = line.Str("explanationId")!;
            Assert.Matches("^[0-9a-f]{12}$", id);
            Assert.False(line.TryGetProperty("trace", out _));
            Assert.False(line.TryGetProperty("citations", out _));
            Assert.Equal(seen.Add(id), line.TryGetProperty("explanation", out var explanation));
            if (explanation.ValueKind == JsonValueKind.Object)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(explanation.GetRawText());
                Assert.Equal(id, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..12]);
                Assert.Equal(["flags", "appliedOrders", "laterOrders", "citations", "traceId", "trace"], explanation.EnumerateObject().Select(m => m.Name));
            }
        }

        Assert.True(seen.Count < sharedLines.Count, "the semantics file repeats at least one explanation");
        Assert.All(inlineLines, l => Assert.True(l.TryGetProperty("trace", out _) && l.TryGetProperty("citations", out _)));
        Assert.True(shared.Stdout.Length < inline.Stdout.Length);

        // Resolved, the two outputs are the same results, and the ids are the same in both.
        Assert.Equal(
            Cases.Results(inline).Select(e => e.GetRawText()),
            Cases.Results(shared).Select(e => e.GetRawText()));
    }

    [Fact]
    public void Screen_TraceModeUnknown_IsAUsageError()
    {
        var r = Cases.Screen("--cases", fx.SemanticsFile, "--trace", "none");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--trace none", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_CsvCases_SameContractAndOrder()
    {
        var file = fx.Temp.Write("cases.csv",
            "id,enteredAt,place,citizenship,unaccompaniedChild,manifestsFear,officerException,exceptionallyCompelling\n"
            + "c-cu,2024-07-15T10:00:00-04:00,between-ports,CU,,,,\n"
            + "c-uc,2024-07-15T10:00:00-04:00,between-ports,GT,true,false,,\n"
            + "c-fear,2024-07-15T10:00:00-04:00,between-ports,CU,,true,,\n"
            + "c-officer,2024-07-15T10:00:00-04:00,port-of-entry,GT,,,operational,\n"
            + "\"c,quoted\",2024-07-15T10:00:00-04:00,between-ports,GT,,,,imminent-threat\n");
        var r = Cases.Screen("--cases", file);
        CliAssert.Ok(r);
        var results = Cases.Results(r);
        Assert.Equal(["c-cu", "c-uc", "c-fear", "c-officer", "c,quoted"], results.Select(e => e.Str("id")).ToList());
        Assert.Equal("MX", results[0].Str("returnDestination"));
        Assert.Equal("unaccompanied-child", results[1].Str("exception"));
        Assert.Equal("reasonable-probability", results[2].Str("screeningStandard"));
        Assert.Equal("officer-operational", results[3].Str("exception"));
        Assert.Equal("imminent-threat", results[4].Str("exceptionallyCompelling"));
        Assert.False(results[4].Bool("asylumLimitationApplies"));
    }

    [Fact]
    public void Screen_Out_WritesTheFileReplacingOldContentAndNothingOnStdout()
    {
        var outFile = fx.Temp.PathOf("ok-out.jsonl");
        File.WriteAllText(outFile, "previous\n");
        var r = Cases.Screen("--cases", fx.Hr2File, "--out", outFile);
        Assert.True(r.ExitCode == 0 && r.Stdout.Length == 0 && r.Stderr.Length == 0, r.ToString());
        var lines = File.ReadAllLines(outFile);
        Assert.Equal(4, lines.Length);
        Assert.Equal(["h-early", "h-gt", "h-coastal-cu", "h-poe"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList());
    }

    [Fact]
    public void Screen_FormatTable_ExplainsOneCaseWithCitations()
    {
        var file = fx.Temp.Write("uc.json", Cases.Json("child-1", "2024-07-15T10:00:00-04:00", "between-ports", "GT", "\"unaccompaniedChild\":true"));
        var r = Cases.Screen("--case", file, "--format", "table");
        CliAssert.Ok(r);
        foreach (var text in new[] { "child-1", "proclamation-10773", "Suspension applies", "unaccompanied-child", "§3(b)(iii)", "MODELED", "Return destination" })
        {
            Assert.True(r.Stdout.Contains(text, StringComparison.Ordinal), $"table should mention '{text}'\n{r}");
        }
    }

    // ---- user arrangements ----

    private const string GuatemalaArrangement = """
        id: user-what-if
        title: What if Mexico accepted Guatemalans
        arrangements:
          - id: what-if-gt
            title: Mexico accepts Guatemalans (what-if)
            from: 2024-01-01
            nationalities: [GT]
            monthly_cap: 1000
            citation: { instrument: What-if, section: "", status: U, source: "CLI test" }
            note: A hypothetical arrangement for a test.

        """;

    [Fact]
    public void Screen_UserArrangementForGuatemala_SendsAGuatemalanToMexico()
    {
        var yaml = fx.Temp.Write("gt-arrangement.yaml", GuatemalaArrangement);
        var file = fx.Temp.Write("gt.json", Cases.Json("gt", "2024-07-15T10:00:00-04:00", "between-ports", "GT"));
        var r = Cases.Screen("--case", file, "--arrangements", yaml);
        CliAssert.Ok(r);
        var result = r.Root().GetProperty("result");
        Assert.Equal("MX", result.Str("returnDestination"));
        Assert.False(result.Bool("overflow"));
        Assert.Equal("what-if-gt", result.GetProperty("removal").Str("arrangementId"));
    }

    [Fact]
    public void Screen_UserArrangementOverlappingBuiltInWithoutPriority_ExitsTwoNamingBoth()
    {
        var yaml = fx.Temp.Write("cu-overlap.yaml", GuatemalaArrangement.Replace("[GT]", "[CU]", StringComparison.Ordinal).Replace("what-if-gt", "what-if-cu", StringComparison.Ordinal));
        var file = fx.Temp.Write("cu.json", Cases.Json("cu", "2024-07-15T10:00:00-04:00", "between-ports", "CU"));
        CliAssert.BadInput(Cases.Screen("--case", file, "--arrangements", yaml), yaml, "what-if-cu", "mexico-chnv-30000", "priority");
    }

    [Fact]
    public void Screen_UserArrangementWithHigherPriority_TakesOverOnItsDates()
    {
        var yaml = fx.Temp.Write("cu-priority.yaml", GuatemalaArrangement
            .Replace("[GT]", "[CU]", StringComparison.Ordinal)
            .Replace("what-if-gt", "what-if-cu", StringComparison.Ordinal)
            .Replace("monthly_cap: 1000", "monthly_cap: 5\n    priority: 1", StringComparison.Ordinal));
        var file = fx.Temp.Write("cu-priority.json", Cases.Json("cu", "2024-07-15T10:00:00-04:00", "between-ports", "CU"));
        var r = Cases.Screen("--case", file, "--arrangements", yaml);
        CliAssert.Ok(r);
        var result = r.Root().GetProperty("result");
        Assert.Equal("MX", result.Str("returnDestination"));
        Assert.Equal("what-if-cu", result.GetProperty("removal").Str("arrangementId"));
    }
}
