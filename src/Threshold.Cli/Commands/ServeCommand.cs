using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;
using Threshold.Web;

namespace Threshold.Cli.Commands;

internal sealed class ServeSettings : StoreSettings
{
    [CommandOption("--urls <URLS>")]
    [Description("Addresses to listen on, separated by ';' (default http://127.0.0.1:5080). Bound to anything but loopback, every request needs a key or a token.")]
    public string? Urls { get; init; }

    [CommandOption("--arrangements <FILE>")]
    [Description("Add a return-arrangement YAML file (a new nationality list or cap) to the built-ins; repeatable. Every server sharing one record must use the same files.")]
    public string[] Arrangements { get; init; } = [];

    [CommandOption("--no-anonymous-read")]
    [Description("Refuse unauthenticated reads even on loopback (by default a loopback-only server lets anyone on this machine read).")]
    public bool NoAnonymousRead { get; init; }
}

/// <summary>
/// <c>threshold serve</c>: the REST API, its OpenAPI document and reference, and the dashboard, over the embedded
/// SQLite record (<c>--data-dir</c>) or a shared PostgreSQL one (<c>--database</c>). On a record with no series yet, the bundled MODELED daily series is imported first.
/// </summary>
internal sealed class ServeCommand : Command<ServeSettings>
{
    public override int Execute(CommandContext context, ServeSettings settings, CancellationToken cancellationToken)
    {
        var args = new List<string>
        {
            "--urls", settings.Urls ?? Threshold.Web.Hosting.ThresholdSettings.DefaultUrls,
            $"--{Threshold.Web.Hosting.ThresholdSettings.Section}:DataDirectory={Path.GetFullPath(settings.ResolveDataDirectory())}",
        };
        if (settings.ResolveDatabase() is { } database)
        {
            args[^1] = $"--{Threshold.Web.Hosting.ThresholdSettings.Section}:Database={database}";
        }

        for (var i = 0; i < settings.Arrangements.Length; i++)
        {
            args.Add($"--{Threshold.Web.Hosting.ThresholdSettings.Section}:ArrangementFiles:{i}={Path.GetFullPath(settings.Arrangements[i])}");
        }

        if (settings.NoAnonymousRead)
        {
            args.Add($"--{Threshold.Web.Hosting.ThresholdSettings.Section}:AllowAnonymousRead=false");
        }

        var urls = settings.Urls ?? Threshold.Web.Hosting.ThresholdSettings.DefaultUrls;
        RequireFreePorts(urls);
        using var app = ThresholdWebApp.Build([.. args]);
        // Open (and migrate) the record before listening: a read-only data directory or an unreachable database stops
        // the start with exit 4 naming it, and /health never answers for a server that cannot store anything.
        _ = app.Services.GetRequiredService<Threshold.Web.Hosting.RecordHolder>().Store;
        try
        {
            app.Run();
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // Taken between the check above and the bind: the same answer.
            throw InUse(urls, e.Message);
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// Refuses, before the host starts (and logs a stack trace), an address another program already listens on: the
    /// answer names the address and how to choose another.
    /// </summary>
    private static void RequireFreePorts(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel accepts "*" and "+" as hosts, which Uri does not.
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException($"--urls {url}: not an http:// or https:// address (for example http://127.0.0.1:5080)");
            }

            var addresses = uri.IsLoopback && uri.Host == "localhost"
                ? [System.Net.IPAddress.Loopback]
                : System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? new[] { ip } : [];
            foreach (var address in addresses)
            {
                try
                {
                    using var probe = new System.Net.Sockets.Socket(address.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                    probe.Bind(new System.Net.IPEndPoint(address, uri.Port));
                }
                catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
                {
                    throw InUse(url, "address already in use");
                }
            }
        }
    }

    private static UsageException InUse(string url, string problem) =>
        new($"--urls {url}: {problem}; another program (or another threshold serve) listens there. Stop it, or choose a free port: ./threshold serve --urls http://127.0.0.1:5081");
}
