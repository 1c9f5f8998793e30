using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Threshold.Web.Tests.Browser;

/// <summary>
/// The bills (the Senate Act, H.R. 2) have no in-force date of their own: Screen and Returns offer a hypothetical one,
/// labelled as not law, and without it say so in the page's words (never a CLI option). The Audit export link leaves
/// out empty dates and shows an API error in words.
/// </summary>
[Collection(nameof(SharedBrowser))]
public sealed partial class HypotheticalInForceBrowserTests(LiveServer server)
{
    [Fact]
    public async Task Screen_UnderTheSenateAct_AsksForAHypotheticalInForceDate_ThenScreens()
    {
        var page = await server.NewPageAsync();
        await LiveServer.SignInAsync(page, server.AnalystKey, "browser analyst");
        await page.GotoAsync("/screen");
        await Assertions.Expect(page.GetByTestId("hypothetical-in-force")).ToHaveCountAsync(0); // 10773 has its own date

        await page.GetByLabel("Policy").SelectOptionAsync("senate-border-act-2024");
        var field = page.GetByLabel("Hypothetical in-force date");
        await Assertions.Expect(field).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("hypothetical-in-force")).ToContainTextAsync("not law");

        await page.GetByRole(AriaRole.Button, new() { Name = "Screen this case" }).ClickAsync();
        var error = page.GetByTestId("screen-error");
        await Assertions.Expect(error).ToContainTextAsync("senate-border-act-2024 has no in-force date of its own: it is a bill and was never law");
        await Assertions.Expect(error).Not.ToContainTextAsync("--");

        await field.FillAsync("2024-01-01");
        await field.PressAsync("Tab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Screen this case" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("screen-result")).ToContainTextAsync("Answer for case-1 under senate-border-act-2024");
        await Assertions.Expect(page.GetByTestId("screen-error")).ToHaveCountAsync(0);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("inForce=2024-01-01"));
        await LiveServer.ScreenshotAsync(page, "screen-senate-hypothetical");

        // The link screens the same case again, date included; H.R. 2 asks for its own date too.
        var shared = page.Url;
        var fresh = await server.NewPageAsync();
        await LiveServer.SignInAsync(fresh, server.AnalystKey, "browser analyst");
        await fresh.GotoAsync(shared);
        await Assertions.Expect(fresh.GetByTestId("screen-result")).ToContainTextAsync("under senate-border-act-2024");
        await Assertions.Expect(fresh.GetByLabel("Hypothetical in-force date")).ToHaveValueAsync("2024-01-01");
        await fresh.GetByLabel("Policy").SelectOptionAsync("hr2-2023");
        await Assertions.Expect(fresh.GetByLabel("Hypothetical in-force date")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Compare_WithTheSenateActsDateEmptied_SaysItNeedsOne_InThePagesWords()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/compare");
        await page.GetByLabel("Senate authority in force from").FillAsync(string.Empty);
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();
        var error = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(error).ToContainTextAsync("senate-border-act-2024 has no in-force date of its own");
        await Assertions.Expect(error).ToContainTextAsync("\"in force from\"");
        await Assertions.Expect(error).Not.ToContainTextAsync("--");
    }

    [Fact]
    public async Task Returns_AnAnalystChoosesThePolicyAndSeries_AndABillNeedsAHypotheticalDate()
    {
        var page = await server.NewPageAsync();
        await LiveServer.SignInAsync(page, server.AnalystKey, "browser analyst");
        await page.GotoAsync("/returns");
        await Assertions.Expect(page.GetByLabel("Policy")).ToBeEnabledAsync();
        await Assertions.Expect(page.GetByLabel("Series")).ToBeEnabledAsync();
        await page.GetByLabel("Policy").SelectOptionAsync("senate-border-act-2024");

        var batch = new FilePayload
        {
            Name = "batch.jsonl",
            MimeType = "application/x-ndjson",
            Buffer = System.Text.Encoding.UTF8.GetBytes(
                """
                {"id":"r-1","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE"}
                {"id":"r-2","enteredAt":"2024-07-02T10:00:00-04:00","place":"between-ports","citizenship":"MX"}

                """),
        };
        await page.GetByLabel("Cases (JSONL").SetInputFilesAsync(batch);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("has no in-force date of its own");

        await page.GetByLabel("Hypothetical in-force date").FillAsync("2024-01-01");
        await page.GetByLabel("Hypothetical in-force date").PressAsync("Tab");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("inForce=2024-01-01"));
        await page.GetByLabel("Cases (JSONL").SetInputFilesAsync(batch);
        await Assertions.Expect(page.GetByTestId("report-title")).ToContainTextAsync("batch.jsonl: 2 cases screened under senate-border-act-2024 as if in force from 2024-01-01 (hypothetical, not law)");
    }

    [Fact]
    public async Task Audit_ExportWithEmptyDates_Downloads_AndAnApiErrorReadsAsWords()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/audit");
        var link = page.GetByTestId("audit-export");
        await Assertions.Expect(page.GetByLabel("From (ISO-8601 instant, optional)")).ToBeEnabledAsync();
        Assert.Equal("api/v1/audit/export", await link.GetAttributeAsync("href")); // no from= or to= when left empty

        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.Equal("audit-export.jsonl", download.SuggestedFilename);
        var text = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("\"hash\"", text, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("audit-export-error")).ToBeHiddenAsync();

        // A date given goes into the link; an empty one stays out.
        await page.GetByLabel("From (ISO-8601 instant, optional)").FillAsync("2020-01-01T00:00:00Z");
        await page.GetByLabel("From (ISO-8601 instant, optional)").PressAsync("Tab");
        await Assertions.Expect(link).ToHaveAttributeAsync("href", "api/v1/audit/export?from=2020-01-01T00%3A00%3A00Z");

        // Whatever the API refuses is read out in words, not shown as a raw JSON page.
        await page.RouteAsync("**/api/v1/audit/export**", route => route.FulfillAsync(new()
        {
            Status = 409,
            ContentType = "application/problem+json",
            Body = """{"status":409,"title":"The audit chain does not verify","detail":"refusing to export: the chain fails at entry 3: hash mismatch"}""",
        }));
        await link.ClickAsync();
        await Assertions.Expect(page.GetByTestId("audit-export-error")).ToHaveTextAsync("The download did not work (HTTP 409): The audit chain does not verify: refusing to export: the chain fails at entry 3: hash mismatch");
        Assert.Equal("/audit", new Uri(page.Url).AbsolutePath);
        await LiveServer.ScreenshotAsync(page, "audit-export-error");
    }
}
