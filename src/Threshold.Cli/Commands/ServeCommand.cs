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

        using var app = ThresholdWebApp.Build([.. args]);
        // Open (and migrate) the record before listening: a read-only data directory or an unreachable database stops
        // the start with exit 4 naming it, and /health never answers for a server that cannot store anything.
        _ = app.Services.GetRequiredService<Threshold.Web.Hosting.RecordHolder>().Store;
        app.Run();
        return ExitCodes.Ok;
    }
}
