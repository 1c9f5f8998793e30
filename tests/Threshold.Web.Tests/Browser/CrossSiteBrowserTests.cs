using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Threshold.Web.Tests.Browser;

/// <summary>
/// Issue 15, step 7, in a real browser: an operator signed in to the dashboard opens a page of another origin on the
/// same host (another port of 127.0.0.1: the same site, so the SameSite=Strict session cookie is still sent). That
/// page posts a determination to the API as a plain-text form (no CORS preflight) and as a JSON fetch; both are
/// refused and nothing is recorded.
/// </summary>
[Collection(nameof(SharedBrowser))]
public sealed class CrossSiteBrowserTests(LiveServer server)
{
    [Fact]
    public async Task APageOfAnotherOrigin_OnTheSameHost_CannotWriteWithTheSessionCookie()
    {
        var page = await server.NewPageAsync();
        await LiveServer.SignInAsync(page, server.OperatorKey, "browser operator");

        // Another origin: a free port of the same host, served by the browser's own routing (nothing listens there).
        var target = server.BaseUrl + "/api/v1/determinations";
        var evil = new Uri(server.BaseUrl).Port == 5999 ? "http://127.0.0.1:5998/evil" : "http://127.0.0.1:5999/evil";
        var body = """{"date":"2024-07-01","kind":"activation","windowStart":"2024-06-20","windowEnd":"2024-06-30","by":"attacker","x":"=""";
        await page.Context.RouteAsync(evil, route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = $$"""
                <!doctype html><title>evil</title>
                <form id="f" method="post" action="{{target}}" enctype="text/plain"><input type="hidden" name='{{body}}' value='"}'><button id="go">go</button></form>
                <script>
                  window.jsonAttempt = fetch("{{target}}", { method: "POST", credentials: "include", headers: { "Content-Type": "application/json" },
                    body: JSON.stringify({ date: "2024-07-02", kind: "activation", windowStart: "2024-06-20", windowEnd: "2024-06-30", by: "attacker" }) })
                    .then(r => "status " + r.status, e => "blocked: " + e.name);
                </script>
                """,
        }));

        await page.GotoAsync(evil);
        Assert.StartsWith("blocked", await page.EvaluateAsync<string>("window.jsonAttempt"), StringComparison.Ordinal);

        // The form's navigation carries the session cookie, and the server refuses the write.
        // A click, not an evaluated submit(): the navigation it starts would destroy the evaluating context mid-call.
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.Locator("#go").ClickAsync(),
            r => r.Url == target && r.Request.Method == "POST");
        Assert.Equal(415, answer.Status);
        Assert.Contains("Threshold.Session=", await answer.Request.HeaderValueAsync("cookie") ?? string.Empty, StringComparison.Ordinal);
        // Retried until the navigation has committed: reading the content mid-navigation fails.
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("media type is not accepted", new() { Timeout = 20_000 });
        await LiveServer.ScreenshotAsync(page, "cross-site-write-refused");

        using var operatorClient = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        operatorClient.DefaultRequestHeaders.Add("X-Api-Key", server.OperatorKey);
        var recorded = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/determinations");
        Assert.DoesNotContain(recorded.GetProperty("result").EnumerateArray(), d => d.GetProperty("by").GetString() == "attacker");
    }
}
