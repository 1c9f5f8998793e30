using Microsoft.Playwright;
using Threshold.Web.Security;

namespace Threshold.Web.Tests.Browser;

/// <summary>
/// Every dashboard page, signed in, under the server's content security policy: the policy arrives with the page and
/// the browser reports no violation (no <c>securitypolicyviolation</c> event, no CSP console error) while Blazor
/// connects its circuit and Plotly draws.
/// </summary>
[Collection(nameof(SharedBrowser))]
public sealed class ContentSecurityPolicyBrowserTests(LiveServer server)
{
    private static readonly string[] Pages = ["/", "/law-timeline", "/compare", "/screen", "/returns", "/data", "/audit", "/simulate"];

    [Fact]
    public async Task DashboardPages_RaiseNoContentSecurityPolicyViolation()
    {
        var page = await server.NewPageAsync();
        await page.Context.AddInitScriptAsync("""
            window.__cspViolations = [];
            document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
            """);
        var console = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
            {
                console.Add(message.Text);
            }
        };

        await LiveServer.SignInAsync(page, server.OperatorKey, "browser operator");
        foreach (var path in Pages)
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(SecurityHeaders.ContentSecurityPolicy, await response!.HeaderValueAsync("content-security-policy"));
            await Assertions.Expect(page.GetByTestId("signed-in-as")).ToBeVisibleAsync(); // the circuit is up and rendering
            if (path == "/")
            {
                await page.Locator("#monitor-chart .shapelayer path").First.WaitForAsync(); // Plotly has drawn
            }

            var violations = await page.EvaluateAsync<string[]>("window.__cspViolations");
            Assert.True(violations.Length == 0, $"{path}: {string.Join("; ", violations)}");
        }

        Assert.True(console.Count == 0, string.Join("\n", console));
    }
}
