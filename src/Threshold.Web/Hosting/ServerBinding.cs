using System.Net;

namespace Threshold.Web.Hosting;

/// <summary>
/// Which addresses the server listens on, read once from the configured URLs. Anonymous read access depends on it:
/// it is possible only when every address is loopback, so a server exposed to a network never answers without a key.
/// </summary>
public sealed class ServerBinding
{
    public ServerBinding(string urls)
    {
        Urls = urls;
        IsLoopbackOnly = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(IsLoopback);
    }

    /// <summary>The URLs as configured, separated by semicolons.</summary>
    public string Urls { get; }

    /// <summary>True when every configured URL names a loopback host (127.0.0.0/8, ::1 or localhost).</summary>
    public bool IsLoopbackOnly { get; }

    private static bool IsLoopback(string url)
    {
        // Kestrel's wildcards (*, +, 0.0.0.0, [::]) mean every interface.
        if (!Uri.TryCreate(url.Replace("://*", "://any-host", StringComparison.Ordinal).Replace("://+", "://any-host", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
