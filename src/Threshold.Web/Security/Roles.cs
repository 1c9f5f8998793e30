using System.Security.Claims;
using Threshold.Record;

namespace Threshold.Web.Security;

/// <summary>
/// The four roles and the authorization policy of each. Roles are cumulative: a principal holding a role also holds
/// every role below it, so "operator" endpoints admit admins and "viewer" endpoints admit everyone signed in.
/// </summary>
public static class Roles
{
    public const string Viewer = "viewer";

    public const string Analyst = "analyst";

    public const string Operator = "operator";

    public const string Admin = "admin";

    /// <summary>Claim carrying the public id of the API key a request was made with.</summary>
    public const string KeyIdClaim = "threshold:key-id";

    /// <summary>The role claims for <paramref name="role"/>: the role itself and every role below it.</summary>
    public static IEnumerable<Claim> ClaimsFor(ApiRole role) =>
        Enum.GetValues<ApiRole>().Where(r => r <= role).Select(r => new Claim(ClaimTypes.Role, ApiKeyRecord.RoleName(r)));

    /// <summary>The highest role a principal holds, or null for none.</summary>
    public static ApiRole? HighestRole(ClaimsPrincipal user) =>
        Enum.GetValues<ApiRole>().Reverse().Cast<ApiRole?>().FirstOrDefault(r => user.IsInRole(ApiKeyRecord.RoleName(r!.Value)));

    /// <summary>A principal of one role, from one authentication scheme.</summary>
    public static ClaimsPrincipal Principal(string name, ApiRole role, string scheme, string? keyId = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name) };
        if (keyId is not null)
        {
            claims.Add(new Claim(KeyIdClaim, keyId));
        }

        claims.AddRange(ClaimsFor(role));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
