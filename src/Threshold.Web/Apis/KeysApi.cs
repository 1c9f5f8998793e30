using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime.Text;
using Threshold.Record;
using Threshold.Web.Hosting;
using Threshold.Web.Security;

namespace Threshold.Web.Apis;

/// <summary>API keys, for admins: list, create (the secret is shown once) and revoke. <c>./threshold keys</c> does the same.</summary>
public static class KeysApi
{
    /// <summary>A key without its secret.</summary>
    public sealed record KeyDto(string KeyId, string Name, string Role, string CreatedAt, string? RevokedAt)
    {
        public static KeyDto From(ApiKeyInfo k) => new(k.KeyId, k.Name, ApiKeyRecord.RoleName(k.Role), InstantPattern.ExtendedIso.Format(k.CreatedAt), k.RevokedAt is { } r ? InstantPattern.ExtendedIso.Format(r) : null);
    }

    /// <summary>A new key: <c>key</c> is the secret, shown this once and stored only as its SHA-256.</summary>
    public sealed record CreatedKeyDto(KeyDto Info, string Key);

    /// <summary>The body of <c>POST /api/v1/keys</c>.</summary>
    public sealed record CreateKeyRequest(string? Name, string? Role);

    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/keys").WithTags("Keys").RequireAuthorization(Roles.Admin);
        api.MapGet("/", (RecordHolder record) => TypedResults.Ok(record.Keys.List().Select(KeyDto.From).ToList()))
            .WithName("ListKeys").WithSummary("Every API key (never the secrets), revoked ones included.");
        api.MapPost("/", Create).WithMetadata(RecordWriteMetadata.Instance)
            .WithName("CreateKey").WithSummary("Create a key for a role; the response is the only time the key is shown.");
        api.MapDelete("/{keyId}", Revoke).WithMetadata(RecordWriteMetadata.Instance).ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("RevokeKey").WithSummary("Revoke a key; it stops working at once. An id no key has is a 404; revoking a revoked key is a 400.");
        return app;
    }

    public static Results<Ok<KeyDto>, ProblemHttpResult> Revoke(string keyId, RecordHolder record, ApiKeyCache cache, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(cache);
        if (!record.Keys.List().Any(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal)))
        {
            return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "No such key", Detail = $"no API key has the id '{ProblemMapping.Quoted(RequestText.Checked("keyId", keyId)!)}' (GET /api/v1/keys lists them)" });
        }

        var revoked = record.Keys.Revoke(keyId, context?.User.Identity?.Name ?? "api");
        cache.Clear();
        return TypedResults.Ok(KeyDto.From(revoked));
    }

    public static Created<CreatedKeyDto> Create(CreateKeyRequest body, RecordHolder record, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(context);
        var name = RequestText.Checked("name", body.Name) is { Length: > 0 and <= 100 } n ? n : throw new RequestValidationException("name", "name is required (up to 100 characters)");
        var role = ApiKeyRecord.TryParseRole(body.Role, out var r) ? r : throw new RequestValidationException("role", "role must be viewer, analyst, operator or admin");
        var created = record.Keys.Create(name, role, context.User.Identity?.Name ?? "api");
        return TypedResults.Created($"/api/v1/keys/{created.Key.KeyId}", new CreatedKeyDto(KeyDto.From(created.Key), created.Secret));
    }
}
