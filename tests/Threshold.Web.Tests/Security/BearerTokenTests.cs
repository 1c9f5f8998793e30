using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Threshold.Web.Tests.Security;

/// <summary>JWT bearer tokens, when configured: the role comes from the configured claim; no role, no access.</summary>
public sealed class BearerTokenTests : IDisposable
{
    private static readonly byte[] SigningKey = RandomNumberGenerator.GetBytes(32);

    private readonly ThresholdFactory factory = new(
        ("urls", "http://0.0.0.0:5080"),
        ("Threshold:Jwt:SigningKey", Convert.ToBase64String(SigningKey)),
        ("Threshold:Jwt:Issuer", "https://idp.example"),
        ("Threshold:Jwt:Audience", "threshold"));

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Token_WithAnalystRole_Screens_WithViewerRole_CannotScreen_WithoutRole_IsRefused()
    {
        const string Screen = "/api/v1/screen?policy=proclamation-10773";
        const string Case = """{"id":"c1","enteredAt":"2024-07-01T10:00:00-04:00","place":"between-ports","citizenship":"VE"}""";
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWithToken(Token("analyst")).PostAsync(Screen, RoleBoundaryTests.Json(Case))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ClientWithToken(Token("viewer")).PostAsync(Screen, RoleBoundaryTests.Json(Case))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWithToken(Token(null)).GetAsync("/api/v1/policies")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWithToken(Token("admin", RandomNumberGenerator.GetBytes(32))).GetAsync("/api/v1/policies")).StatusCode);
    }

    [Fact]
    public async Task Token_Expired_OrForAnotherAudience_OrTampered_IsRefused()
    {
        var expired = Token("admin", expires: DateTime.UtcNow.AddHours(-1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWithToken(expired).GetAsync("/api/v1/policies")).StatusCode);
        var otherAudience = Token("admin", audience: "someone-else");
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWithToken(otherAudience).GetAsync("/api/v1/policies")).StatusCode);

        // The payload changed from viewer to admin while keeping the viewer's signature.
        var parts = Token("viewer").Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("\"viewer\"", "\"admin\"", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWithToken(tampered).GetAsync("/api/v1/keys")).StatusCode);

        // An unsigned token ("alg": "none") is never accepted.
        var unsigned = $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{parts[1]}.";
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWithToken(unsigned).GetAsync("/api/v1/policies")).StatusCode);
    }

    private static string Token(string? role, byte[]? key = null, DateTime? expires = null, string audience = "threshold")
    {
        var claims = new List<Claim> { new("sub", "someone@example.org") };
        if (role is not null)
        {
            claims.Add(new Claim("threshold_role", role));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = "https://idp.example",
            Audience = audience,
            IssuedAt = (expires ?? DateTime.UtcNow).AddMinutes(-10),
            NotBefore = (expires ?? DateTime.UtcNow).AddMinutes(-10),
            Expires = expires ?? DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }
}
