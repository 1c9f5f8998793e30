using System.Text;
using Microsoft.AspNetCore.Components;

namespace Threshold.Web.Dashboard;

/// <summary>
/// Writes a page's state into its link: the parameters in the order added, each value escaped, those left at their
/// default omitted, so the link a reader copies names exactly what differs from the page's defaults.
/// </summary>
public sealed class QueryLink
{
    private readonly List<KeyValuePair<string, string>> pairs = [];

    /// <summary>Adds a parameter unless <paramref name="value"/> is null or empty, or equals <paramref name="whenDefault"/>.</summary>
    public QueryLink Add(string name, string? value, string? whenDefault = null)
    {
        if (!string.IsNullOrEmpty(value) && !string.Equals(value, whenDefault, StringComparison.Ordinal))
        {
            pairs.Add(new(name, value));
        }

        return this;
    }

    /// <summary>Adds a repeatable parameter, once per value.</summary>
    public QueryLink AddAll(string name, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            Add(name, value);
        }

        return this;
    }

    /// <summary>The query string, with its leading '?' (empty when nothing differs from the defaults).</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            text.Append(text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return text.ToString();
    }

    /// <summary>
    /// Puts the state into the page's link without a new history entry, and without navigating when the link already
    /// says it. The page keeps its component (same route), so nothing is recomputed by the navigation.
    /// </summary>
    public void ReplaceIn(NavigationManager navigation)
    {
        ArgumentNullException.ThrowIfNull(navigation);
        var current = navigation.Uri;
        var path = current.Split('?', '#')[0];
        var target = path + ToString();
        if (!string.Equals(target, current, StringComparison.Ordinal))
        {
            navigation.NavigateTo(target, replace: true);
        }
    }
}
