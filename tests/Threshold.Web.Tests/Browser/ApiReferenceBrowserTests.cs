using Microsoft.Playwright;
using Threshold.Record;
using Threshold.Web.Security;

namespace Threshold.Web.Tests.Browser;

/// <summary>
/// Issue 17 item 3: the API reference at <c>/scalar</c> works in a browser under its content security policy (which
/// refuses eval: the reference works without it), with everything it loads served by this server (no font CDN, no
/// telemetry, no script from elsewhere), and its "try it"
/// sends a key typed into it as <c>X-Api-Key</c>: listing the keys, an admin-only call, answers 200.
/// </summary>
[Collection(nameof(SharedBrowser))]
public sealed class ApiReferenceBrowserTests(LiveServer server)
{
    [Fact]
    public async Task TryIt_SendsTheKeyTypedIn_AndGets200_WithNothingLoadedFromElsewhere()
    {
        var admin = server.Keys.Create("browser admin (API reference)", ApiRole.Admin, "tests").Secret;
        var page = await server.NewPageAsync();
        await page.Context.AddInitScriptAsync("""
            window.__cspViolations = [];
            document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
            """);
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(server.BaseUrl, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal) && !request.Url.StartsWith("blob:", StringComparison.Ordinal))
            {
                elsewhere.Add(request.Url);
            }
        };
        var refused = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
            {
                refused.Add(message.Text);
            }
        };

        var reference = await page.GotoAsync("/scalar/v1#tag/keys/GET/api/v1/keys");
        Assert.Equal(SecurityHeaders.ApiReferencePolicy, await reference!.HeaderValueAsync("content-security-policy"));

        // The operation's "Test Request" opens the reference's client; its Authentication section offers the
        // document's ApiKey scheme (X-Api-Key), whose value is typed in as a user would.
        await page.GetByRole(AriaRole.Button, new() { Name = "Test Request (get /api/v1/keys)" }).First.ClickAsync(new() { Timeout = 90_000 });
        var value = page.GetByLabel("Value").And(page.Locator("input[id^='scalar-client-']"));
        await Assertions.Expect(value).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await value.ClickAsync();
        await page.Keyboard.TypeAsync(admin);

        var answer = page.WaitForResponseAsync(r => r.Url == server.BaseUrl + "/api/v1/keys" && r.Request.Method == "GET", new() { Timeout = 30_000 });
        await page.Locator("button", new() { HasText = "Send get request to" }).First.ClickAsync();
        var response = await answer;

        Assert.Equal(200, response.Status); // an anonymous caller, a viewer on loopback, gets 403 here
        Assert.Equal(admin, await response.Request.HeaderValueAsync("x-api-key"));
        await Assertions.Expect(page.GetByText("browser admin (API reference)").First).ToBeVisibleAsync(new() { Timeout = 30_000 }); // the answer is shown

        Assert.True(elsewhere.Count == 0, "loaded from elsewhere: " + string.Join(", ", elsewhere));

        // Scalar's bundle probes eval once; the policy refuses it, as it should, and the reference works without it
        // (the request above went out and its answer is shown). Every other refusal (a font, a script, a connection) fails.
        var violations = (await page.EvaluateAsync<string[]>("window.__cspViolations")).Where(v => v != "script-src eval").ToList();
        var other = refused.Where(m => !m.Contains("unsafe-eval", StringComparison.Ordinal)).ToList();
        Assert.True(violations.Count == 0 && other.Count == 0, string.Join("; ", violations.Concat(other)));
    }
}
