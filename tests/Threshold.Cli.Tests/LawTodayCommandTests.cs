using System.Text.Json;

namespace Threshold.Cli.Tests;

/// <summary>
/// The law as it stands today through the CLI: Proclamation 10888 without an encounter series, --policy in-force,
/// --decided-on today, later orders, switching off one order event, and the bad inputs of these options.
/// </summary>
public sealed class LawTodayCommandTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string Client(string extra = "") =>
        temp.Write($"client{Guid.NewGuid():N}.json", Cases.Json("client-0310", "2025-03-10T14:00:00-04:00", "between-ports", "VE", extra));

    [Fact]
    public void Proclamation10888_WithoutEncounters_DecidedOnEntry_RepatriatedAndListsTheAug1Stay()
    {
        var r = Cli.Run("screen", "--policy", "proclamation-10888", "--case", Client("\"manifestsFear\":true"));
        CliAssert.Ok(r);
        var result = r.Root().GetProperty("result");
        Assert.True(result.GetProperty("suspensionApplies").GetBoolean());
        Assert.True(result.GetProperty("withholdingCatBarred").GetBoolean());
        Assert.False(result.GetProperty("fearReferral").GetBoolean());
        Assert.Equal("repatriation", result.GetProperty("removal").GetProperty("path").GetString());
        var later = result.GetProperty("laterOrders").EnumerateArray().ToList();
        Assert.Contains(later, l => l.GetProperty("id").GetString() == "raices-2025-partial-stay" && l.GetProperty("date").GetString() == "2025-08-01" && l.GetProperty("status").GetString() == "S");
        Assert.Equal("in-force", result.GetProperty("standing").GetProperty("onDecision").GetProperty("state").GetString());
    }

    [Fact]
    public void Proclamation10888_DecidedToday_FearScreenedAndNothingLater()
    {
        var r = Cli.Run("screen", "--policy", "proclamation-10888", "--case", Client("\"manifestsFear\":true"), "--decided-on", "today");
        CliAssert.Ok(r);
        var result = r.Root().GetProperty("result");
        Assert.True(result.GetProperty("asylumLimitationApplies").GetBoolean()); // the partial stay pending appeal [S]; mandate [U]
        Assert.False(result.GetProperty("withholdingCatBarred").GetBoolean());
        Assert.True(result.GetProperty("fearReferral").GetBoolean());
        Assert.Empty(result.GetProperty("laterOrders").EnumerateArray());
        Assert.Contains(result.GetProperty("appliedOrderEvents").EnumerateArray(), e => e.GetProperty("id").GetString() == "raices-2025-partial-stay");
    }

    [Fact]
    public void InForce_March2025_BothInstrumentsAnswer_SummaryNamesTheDriver()
    {
        var series = temp.Write("series.csv", "date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n"
            + string.Concat(Enumerable.Range(0, 400).Select(i => $"{new DateOnly(2024, 5, 1).AddDays(i):yyyy-MM-dd},300,5,100,10,5\n")));
        var r = Cli.Run("screen", "--policy", "in-force", "--encounters", series, "--case", Client());
        CliAssert.Ok(r);
        var root = r.Root();
        Assert.Equal(["proclamation-10773", "proclamation-10888"], root.GetProperty("instruments").EnumerateArray().Select(i => i.GetProperty("policy").GetString()!));
        var summary = root.GetProperty("summary");
        Assert.True(summary.GetProperty("complete").GetBoolean());
        Assert.True(summary.GetProperty("anySuspensionApplies").GetBoolean());
        Assert.Equal("repatriation", summary.GetProperty("removal").GetProperty("path").GetString());
        Assert.Equal(["proclamation-10888"], summary.GetProperty("removal").GetProperty("by").EnumerateArray().Select(b => b.GetString()!));
        Assert.Contains("proclamation-10888", summary.GetProperty("withholdingCat").GetProperty("by").EnumerateArray().Select(b => b.GetString()));
        Assert.Contains("[U]", summary.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void InForce_EntryOnJanuary19_2025_Only10773IsInForce()
    {
        var series = temp.Write("series19.csv", "date,between_ports,coastal,ports_of_entry,uc_noncontiguous_between_ports,uc_noncontiguous_ports\n"
            + string.Concat(Enumerable.Range(0, 300).Select(i => $"{new DateOnly(2024, 5, 1).AddDays(i):yyyy-MM-dd},3000,5,100,10,5\n")));
        var c = temp.Write("jan19.json", Cases.Json("jan19", "2025-01-19T12:00:00-05:00", "between-ports", "HN"));
        var r = Cli.Run("screen", "--policy", "in-force", "--encounters", series, "--case", c);
        CliAssert.Ok(r);
        Assert.Equal(["proclamation-10773"], r.Root().GetProperty("instruments").EnumerateArray().Select(i => i.GetProperty("policy").GetString()!));
    }

    [Fact]
    public void InForce_EntryOutsideTheSeries_IsListedUnanswered_SummaryIncomplete()
    {
        // On the proposed timeline 10773 reads the series, which ends on 2025-01-19; the official one would answer.
        var r = Cli.Run("screen", "--policy", "in-force", "--timeline", "proposed", "--encounters", Cli.Bundled, "--case", Client());
        CliAssert.Ok(r);
        var root = r.Root();
        Assert.Equal("proposed", root.GetProperty("timeline").GetString());
        Assert.Equal("proclamation-10773", root.GetProperty("unanswered")[0].GetProperty("policy").GetString());
        Assert.False(root.GetProperty("summary").GetProperty("complete").GetBoolean());
    }

    [Fact]
    public void WithoutOrder_OneEvent_WhatIfTheStayHadNotBeenGranted()
    {
        var r = Cli.Run("screen", "--policy", "proclamation-10888", "--case", Client(), "--decided-on", "2026-12-06", "--without-order", "raices-2025-partial-stay");
        CliAssert.Ok(r);
        Assert.False(r.Root().GetProperty("result").GetProperty("asylumLimitationApplies").GetBoolean());
    }

    [Theory]
    [InlineData("--without-order", "raices-2099", "raices-2099")]
    [InlineData("--decided-on", "yesterday", "--decided-on yesterday")]
    public void BadOptions_ExitTwoNamingTheOption(string option, string value, string mention)
    {
        CliAssert.BadInput(Cli.Run("screen", "--policy", "proclamation-10888", "--case", Client(), option, value), mention);
        CliAssert.BadInput(Cli.Run("screen", "--policy", "in-force", "--case", Client(), option, value), mention);
    }

    [Fact]
    public void InForce_RefusesOnePolicysOverrides()
    {
        CliAssert.BadInput(Cli.Run("screen", "--policy", "in-force", "--case", Client(), "--set", "deactivate.threshold=2000"), "--policy in-force", "--set");
    }

    [Fact]
    public void Policies_On_GivesTheStandingOfThatDay()
    {
        var before = Cli.Run("policies", "proclamation-10773", "--format", "json", "--on", "2025-05-08");
        var after = Cli.Run("policies", "proclamation-10773", "--format", "json", "--on", "2025-05-09");
        CliAssert.Ok(before);
        CliAssert.Ok(after);
        static string Summary(CliResult r) => r.Root().GetProperty("policies")[0].GetProperty("standingOn").GetProperty("summary").GetString()!;
        Assert.DoesNotContain("vacated", Summary(before), StringComparison.Ordinal);
        Assert.Contains("vacated 2025-05-09", Summary(after), StringComparison.Ordinal);
        CliAssert.BadInput(Cli.Run("policies", "--on", "2025-13-01"), "--on");
    }
}
