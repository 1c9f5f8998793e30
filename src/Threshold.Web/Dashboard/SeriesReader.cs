using Threshold.Law;

namespace Threshold.Web.Dashboard;

/// <summary>Which instruments a page replays over the chosen encounter series.</summary>
public static class SeriesReader
{
    /// <summary>
    /// Whether <paramref name="policyId"/> reads the series: a built-in with an encounter threshold does (10773); one with
    /// none (10888) is followed from its start to today without counts, so a case after the stored data still has an answer.
    /// </summary>
    public static bool ReadsSeries(string policyId) =>
        BuiltInPolicies.Exists(policyId) && BuiltInPolicies.Get(policyId).Mechanism == MechanismKind.EncounterThreshold;
}
