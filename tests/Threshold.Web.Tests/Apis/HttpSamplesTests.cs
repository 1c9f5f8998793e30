using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Threshold.Record;

namespace Threshold.Web.Tests.Apis;

/// <summary>
/// The samples in src/Threshold.Web/Threshold.Web.http cannot rot: each request is sent, in file order, to the real
/// application over a fresh record (the bundled series imported), with its <c>{{variables}}</c> replaced by the test
/// server's address and real keys of the named roles, and each must succeed with a body.
/// </summary>
public sealed class HttpSamplesTests : IClassFixture<HttpSamplesTests.Server>
{
    private static readonly string SamplesFile = Path.Combine(RepositoryRoot(), "src/Threshold.Web/Threshold.Web.http");
    private readonly Server server;

    public HttpSamplesTests(Server server) => this.server = server;

    [Fact]
    public async Task EverySample_Succeeds_InFileOrder()
    {
        var samples = Parse(await File.ReadAllTextAsync(SamplesFile));
        Assert.True(samples.Count >= 20, $"expected the samples of {SamplesFile}, found {samples.Count}");
        using var client = server.CreateClient();
        foreach (var sample in samples)
        {
            using var request = new HttpRequestMessage(new HttpMethod(sample.Method), Resolve(sample.Url));
            if (sample.Body is not null || sample.Method is "POST" or "PUT")
            {
                request.Content = new StringContent(sample.Body ?? string.Empty, Encoding.UTF8);
                request.Content.Headers.ContentType = null;
            }

            foreach (var (name, value) in sample.Headers)
            {
                var resolved = Resolve(value);
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    request.Content ??= new StringContent(string.Empty);
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(resolved);
                }
                else
                {
                    request.Headers.TryAddWithoutValidation(name, resolved);
                }
            }

            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{Path.GetFileName(SamplesFile)}:{sample.Line} ({sample.Title}): {sample.Method} {sample.Url} answered {(int)response.StatusCode}\n{body}");
            Assert.True(body.Length > 0, $"{Path.GetFileName(SamplesFile)}:{sample.Line} ({sample.Title}): an empty answer");
        }
    }

    private string Resolve(string text) => Regex.Replace(text, @"\{\{(\w+)\}\}", m => m.Groups[1].Value switch
    {
        "base" => string.Empty, // the test client's own base address
        var name when name.EndsWith("Key", StringComparison.Ordinal) => server.KeyFor(name[..^3]),
        "knownOn" => DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), // after this server's import
        var name => throw new InvalidOperationException($"{SamplesFile}: unknown variable {{{{{name}}}}}"),
    });

    /// <summary>The requests of an .http file: "###" separates them; a request line, headers, a blank line, a body.</summary>
    private static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        var lines = text.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("###", StringComparison.Ordinal))
            {
                continue;
            }

            var title = lines[i][3..].Trim();
            var j = i + 1;
            while (j < lines.Length && (lines[j].Trim().Length == 0 || lines[j].StartsWith('#')))
            {
                j++;
            }

            var requestLine = lines[j].Split(' ', 2);
            var line = j + 1;
            var headers = new List<(string, string)>();
            for (j++; j < lines.Length && lines[j].Trim().Length > 0 && !lines[j].StartsWith("###", StringComparison.Ordinal); j++)
            {
                var colon = lines[j].IndexOf(':', StringComparison.Ordinal);
                headers.Add((lines[j][..colon].Trim(), lines[j][(colon + 1)..].Trim()));
            }

            var body = new StringBuilder();
            for (j++; j < lines.Length && !lines[j].StartsWith("###", StringComparison.Ordinal); j++)
            {
                body.Append(lines[j]).Append('\n');
            }

            var content = body.ToString().Trim('\n');
            samples.Add(new Sample(line, title, requestLine[0], requestLine[1].Trim(), headers, content.Length == 0 ? null : content + "\n"));
            i = j - 1;
        }

        return samples;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Threshold.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }

    private sealed record Sample(int Line, string Title, string Method, string Url, IReadOnlyList<(string Name, string Value)> Headers, string? Body);

    /// <summary>The application over a fresh SQLite record, with one key per role the samples name.</summary>
    public sealed class Server : IDisposable
    {
        private readonly ThresholdFactory factory = new();
        private readonly Dictionary<string, string> keys = [];

        public HttpClient CreateClient() => factory.CreateClient();

        /// <summary>A real key for the role a sample's variable names (analystKey → analyst), created once.</summary>
        public string KeyFor(string roleName)
        {
            lock (keys)
            {
                if (!keys.TryGetValue(roleName, out var key))
                {
                    var role = Enum.GetValues<ApiRole>().Single(r => ApiKeyRecord.RoleName(r) == roleName);
                    key = factory.Record.Keys.Create($"http samples {roleName}", role, "tests").Secret;
                    keys[roleName] = key;
                }

                return key;
            }
        }

        public void Dispose() => factory.Dispose();
    }
}
