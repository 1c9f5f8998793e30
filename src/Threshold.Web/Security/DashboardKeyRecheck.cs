using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Threshold.Web.Hosting;

namespace Threshold.Web.Security;

/// <summary>
/// The dashboard's authentication state for an open (interactive) connection, re-checked every
/// <see cref="ThresholdSettings.DashboardKeyRecheckSeconds"/>: a cookie is checked on each HTTP request, but an open page
/// makes none, so without this a page kept the role it opened with until it reconnected. When the key is revoked or its
/// role changes, the page's user becomes anonymous and its authorised views close.
/// </summary>
internal sealed class DashboardKeyRecheck(ILoggerFactory loggerFactory, RecordHolder record, ThresholdSettings settings)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(Math.Max(1, settings.DashboardKeyRecheckSeconds));

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        return Task.FromResult(StillValid(authenticationState.User));
    }

    /// <summary>Whether an open page's user keeps its role (<see cref="SessionCookie.KeyStillHolds"/>).</summary>
    internal bool StillValid(ClaimsPrincipal user) => SessionCookie.KeyStillHolds(user, record);
}
