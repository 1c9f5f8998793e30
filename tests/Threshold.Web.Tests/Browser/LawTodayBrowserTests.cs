using Microsoft.Playwright;

namespace Threshold.Web.Tests.Browser;

/// <summary>The Screen page and the law as it stands today: the later-orders notice, deciding today, and every instrument in force at entry.</summary>
[Collection(nameof(SharedBrowser))]
public sealed class LawTodayBrowserTests(LiveServer server)
{
    [Fact]
    public async Task Screen_A2024CaseDecidedOnEntry_ShowsTheLaterVacatur_AndDecidedTodayItIsGone()
    {
        var page = await ScreenFormAsync("proclamation-10773", "client-0701", "2024-07-01T10:00:00-04:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Screen this case" }).ClickAsync();

        var later = page.GetByTestId("later-orders");
        await Assertions.Expect(later).ToContainTextAsync("Decided today, this answer would differ");
        await Assertions.Expect(later).ToContainTextAsync("las-americas-2025-vacatur");
        await Assertions.Expect(later).ToContainTextAsync("2025-05-09");
        await Assertions.Expect(later).ToContainTextAsync("asylumLimitationApplies");
        await Assertions.Expect(later.GetByText("[S]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("asylumLimitationApplies")).ToHaveTextAsync("yes");
        await Assertions.Expect(page.GetByTestId("withholdingCatBarred")).ToHaveTextAsync("no");
        await Assertions.Expect(page.GetByTestId("standing-at-entry")).ToContainTextAsync("2024-07-01: in-force");
        await Assertions.Expect(page.GetByTestId("standing-at-entry").Locator(".mark").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("fearReferral")).ToHaveTextAsync("yes");
        await LiveServer.ScreenshotAsync(page, "screen-later-orders");

        await page.GetByLabel("Decide today").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Screen this case" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("asylumLimitationApplies")).ToHaveTextAsync("no");
        await Assertions.Expect(page.GetByTestId("later-orders")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("applied-order-events")).ToContainTextAsync("las-americas-2025-vacatur");
        await Assertions.Expect(page.GetByTestId("standing-on-decision")).ToContainTextAsync("vacated");
    }

    [Fact]
    public async Task Screen_EveryInstrumentInForce_March2025_SummaryFirstNaming10888_ThenEachInstrument()
    {
        var page = await ScreenFormAsync("in-force", "client-0310", "2025-03-10T14:00:00-04:00");
        await page.GetByLabel("Medical and criminal-history information").SelectOptionAsync("no");
        await page.GetByLabel("Transited a third country").SelectOptionAsync("yes");
        await page.GetByRole(AriaRole.Button, new() { Name = "Screen this case" }).ClickAsync();

        var result = page.GetByTestId("screen-result");
        await Assertions.Expect(result).ToContainTextAsync("Answer for client-0310 under every instrument in force at entry");
        var later = result.GetByTestId("later-orders").First;
        await Assertions.Expect(later).ToContainTextAsync("raices-2025-partial-stay");
        await Assertions.Expect(later).ToContainTextAsync("proclamation-10888");
        await Assertions.Expect(page.GetByTestId("in-force-removal")).ToContainTextAsync("repatriation");
        await Assertions.Expect(page.GetByTestId("in-force-removal")).ToContainTextAsync("proclamation-10888");
        await Assertions.Expect(page.GetByTestId("in-force-note").GetByText("[U]")).ToBeVisibleAsync();
        await Assertions.Expect(result.GetByText("MODELED DATA")).ToHaveCountAsync(0); // 10888 answered without counts

        // On the official timeline 10773 needs no counts and answers too: the summary is complete.
        await Assertions.Expect(page.GetByTestId("instrument-proclamation-10773")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("in-force-incomplete")).ToHaveCountAsync(0);
        var p10888 = page.GetByTestId("instrument-proclamation-10888");
        await Assertions.Expect(p10888.GetByTestId("withholdingCatBarred")).ToHaveTextAsync("yes");
        await Assertions.Expect(p10888.GetByTestId("standing-at-entry")).ToContainTextAsync("in-force");
        await Assertions.Expect(result.GetByText("[S]").First).ToBeVisibleAsync();
        await Assertions.Expect(result.GetByText("[V]").First).ToBeVisibleAsync();
        await LiveServer.ScreenshotAsync(page, "screen-in-force");
    }

    /// <summary>An analyst's Screen page with the policy chosen and a Venezuelan who crossed between ports and manifests fear.</summary>
    private async Task<IPage> ScreenFormAsync(string policy, string id, string enteredAt)
    {
        var page = await server.NewPageAsync();
        await LiveServer.SignInAsync(page, server.AnalystKey, "browser analyst");
        await page.GotoAsync("/screen");
        await page.GetByLabel("Policy").SelectOptionAsync(policy);
        await page.GetByLabel("Case id").FillAsync(id);
        await page.GetByLabel("Entered at").FillAsync(enteredAt);
        await page.GetByLabel("Citizenship").FillAsync("VE");
        await page.GetByLabel("manifests or expresses fear").CheckAsync();
        return page;
    }
}
