using Threshold.Law;

namespace Threshold.Web.Dashboard;

/// <summary>
/// The dashboard's words for a policy with no in-force date of its own (a bill, never law): it can be replayed or
/// screened under only from a hypothetical in-force date, which the page asks for in a field of its own. The engine's
/// own message names the CLI's option, so the pages check first and say it in the page's terms.
/// </summary>
public static class HypotheticalInForce
{
    /// <summary>The field's label on every page that offers it.</summary>
    public const string Label = "Hypothetical in-force date (yyyy-MM-dd): not law, for a bill that never took effect";

    /// <summary>Whether <paramref name="policyId"/> is a built-in policy with no in-force date of its own.</summary>
    public static bool Needed(string? policyId) =>
        policyId is not null && BuiltInPolicies.Exists(policyId) && BuiltInPolicies.Get(policyId).InForce.Date is null;

    /// <summary>What a page says when such a policy is chosen and no hypothetical date is given.</summary>
    /// <param name="policyId">The policy chosen.</param>
    /// <param name="doing">What the page does under it ("screen a case").</param>
    /// <param name="field">The label of the page's field for the date.</param>
    public static string Missing(string policyId, string doing, string field = "Hypothetical in-force date") =>
        $"{policyId} has no in-force date of its own: it is a bill and was never law. To {doing} under it, enter a hypothetical in-force date (yyyy-MM-dd) in the field \"{field}\"; the answer then treats it as if it had taken effect at 12:01 a.m. Eastern that day.";
}
