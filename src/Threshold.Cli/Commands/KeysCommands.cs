using System.ComponentModel;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Spectre.Console;
using Spectre.Console.Cli;
using Threshold.Engine;
using Threshold.Record;

namespace Threshold.Cli.Commands;

internal sealed class KeysCreateSettings : StoreSettings
{
    [CommandOption("--name <NAME>")]
    [Description("Who or what the key is for, e.g. 'legal-aid team'.")]
    public string? Name { get; init; }

    [CommandOption("--role <ROLE>")]
    [Description("viewer (reads), analyst (screens, replays uploads), operator (imports, records determinations) or admin (manages keys).")]
    public string? Role { get; init; }

    [CommandOption("--by <WHO>")]
    [Description("Who creates it, for the audit log (default: the login name).")]
    public string? By { get; init; }
}

internal sealed class KeysRevokeSettings : StoreSettings
{
    [CommandArgument(0, "<KEY-ID>")]
    [Description("The key's public id, as 'keys list' shows it.")]
    public string KeyId { get; init; } = string.Empty;

    [CommandOption("--by <WHO>")]
    [Description("Who revokes it, for the audit log (default: the login name).")]
    public string? By { get; init; }
}

/// <summary><c>threshold keys create</c>: a new API key for the web service, printed once and stored only as its SHA-256.</summary>
internal sealed class KeysCreateCommand : Command<KeysCreateSettings>
{
    public override int Execute(CommandContext context, KeysCreateSettings settings, CancellationToken cancellationToken)
    {
        var name = settings.Name is { Length: > 0 } n ? n : throw new UsageException("--name is required (who or what the key is for)");
        if (!ApiKeyRecord.TryParseRole(settings.Role, out var role))
        {
            throw new UsageException($"--role {settings.Role ?? "(missing)"}: must be viewer, analyst, operator or admin");
        }

        var created = new ApiKeyRecord(settings.Open(), SystemClock.Instance).Create(name, role, settings.By ?? Environment.UserName);
        Console.Out.WriteLine(JsonSerializer.Serialize(new { keyId = created.Key.KeyId, name, role = ApiKeyRecord.RoleName(role), createdAt = InstantPattern.ExtendedIso.Format(created.Key.CreatedAt), key = created.Secret }, ReplayReport.JsonOptions));
        Console.Error.WriteLine("threshold: the key is shown only this once; send it in the X-Api-Key header or paste it into the dashboard's sign-in page.");
        return ExitCodes.Ok;
    }
}

/// <summary><c>threshold keys list</c>: every key with its role and dates, never a secret.</summary>
internal sealed class KeysListCommand : Command<StoreSettings>
{
    public override int Execute(CommandContext context, StoreSettings settings, CancellationToken cancellationToken)
    {
        var keys = new ApiKeyRecord(settings.Open(), SystemClock.Instance).List();
        var table = new Table().Border(TableBorder.Rounded).Title("API keys");
        foreach (var h in new[] { "Key id", "Name", "Role", "Created", "Revoked" })
        {
            table.AddColumn(h);
        }

        foreach (var k in keys)
        {
            table.AddRow(k.KeyId, Markup.Escape(k.Name), ApiKeyRecord.RoleName(k.Role), InstantPattern.ExtendedIso.Format(k.CreatedAt), k.RevokedAt is { } r ? InstantPattern.ExtendedIso.Format(r) : "—");
        }

        Terminal.Create().Write(table);
        return ExitCodes.Ok;
    }
}

/// <summary><c>threshold keys revoke</c>: the key stops working at once, for the API and for dashboard sessions.</summary>
internal sealed class KeysRevokeCommand : Command<KeysRevokeSettings>
{
    public override int Execute(CommandContext context, KeysRevokeSettings settings, CancellationToken cancellationToken)
    {
        var revoked = new ApiKeyRecord(settings.Open(), SystemClock.Instance).Revoke(settings.KeyId, settings.By ?? Environment.UserName);
        Console.Out.WriteLine($"revoked {revoked.KeyId} ({revoked.Name}, {ApiKeyRecord.RoleName(revoked.Role)})");
        return ExitCodes.Ok;
    }
}
