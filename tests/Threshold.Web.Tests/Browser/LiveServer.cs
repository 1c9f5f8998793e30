using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Threshold.Record;
using Threshold.Web.Hosting;

namespace Threshold.Web.Tests.Browser;

/// <summary>
/// The real server (Kestrel, not the test server) on a free loopback port over a temporary record, and Debian's
/// Chromium driven by Playwright. Keys for an analyst and an operator are created for signing in.
/// </summary>
public sealed class LiveServer : IAsyncLifetime
{
    private static readonly string[] ChromiumArguments = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private WebApplication? app;
    private IPlaywright? playwright;

    /// <summary>The most paths this server runs a request: enough that a run over the longest horizon takes minutes.</summary>
    public const int LongRunPaths = 1_000_000;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "threshold-browser-" + Guid.NewGuid().ToString("N"));

    public string BaseUrl { get; private set; } = string.Empty;

    public string AnalystKey { get; private set; } = string.Empty;

    public string OperatorKey { get; private set; } = string.Empty;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The server's API keys, as an administrator would manage them.</summary>
    public ApiKeyRecord Keys => app!.Services.GetRequiredService<RecordHolder>().Keys;

    /// <summary>Where screenshots go: TestResults/screenshots under the repository.</summary>
    public static string ScreenshotFolder { get; } = Directory.CreateDirectory(Path.Combine(Apis.ApiBehaviourTests.RepositoryRoot(), "TestResults", "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        // Open pages re-check their key every second (30 s by default), so a revocation shows quickly. The simulation
        // caps are raised as a shared deployment's operator may raise them, so a run can be long enough to be stopped:
        // the default cap's 10,000 paths now finish in about a second.
        app = ThresholdWebApp.Build([
            "--urls", "http://127.0.0.1:0", $"--Threshold:DataDirectory={DataDirectory}", "--Threshold:DashboardKeyRecheckSeconds=1",
            $"--Threshold:SimulationMaxPaths={LongRunPaths}", $"--Threshold:SimulationMaxCostAnalyst={LongRunPaths * 1_096L * 3}"]);
        await app.StartAsync();
        BaseUrl = app.Urls.Single();
        var keys = app.Services.GetRequiredService<RecordHolder>().Keys;
        AnalystKey = keys.Create("browser analyst", ApiRole.Analyst, "tests").Secret;
        OperatorKey = keys.Create("browser operator", ApiRole.Operator, "tests").Secret;
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = FindChromium(), Headless = true, Args = ChromiumArguments });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    /// <summary>A fresh browser context (its own cookies) with a page at a laptop's size.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 }, BaseURL = BaseUrl });
        context.SetDefaultTimeout(20_000);

        // A CI machine with two cores runs the CLI suite beside this one; a page's load event has taken over 20 s there.
        context.SetDefaultNavigationTimeout(90_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the sign-in form, typing the key and clicking the button; waits until the dashboard names the key.</summary>
    public static async Task SignInAsync(IPage page, string key, string keyName)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync(keyName, new() { Timeout = 20_000 });
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    private static string FindChromium()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Append("/usr/bin"))
        {
            var candidate = Path.Combine(folder, "chromium");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Debian's chromium is not installed (apt-get install chromium); ./run-tests installs it");
    }
}
