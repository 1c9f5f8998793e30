namespace Threshold.Law.Tests;

/// <summary>Rules that hold across every built-in instrument (in the spirit of NodaTime's ConsistencyTest).</summary>
public sealed class PolicyConsistencyTests
{
    public static TheoryData<string> Ids() => new(BuiltInPolicies.Ids);

    [Fact]
    public void BuiltIns_AreTheFourInstruments() =>
        Assert.Equal(["hr2-2023", "proclamation-10773", "proclamation-10888", "senate-border-act-2024"], BuiltInPolicies.Ids);

    [Theory]
    [MemberData(nameof(Ids))]
    public void EveryValue_CarriesACitationAndAStatus(string id)
    {
        var policy = BuiltInPolicies.Get(id);
        Assert.NotEmpty(policy.Parameters);
        foreach (var parameter in policy.Parameters)
        {
            Assert.False(string.IsNullOrWhiteSpace(parameter.Description), parameter.Name);
            foreach (var value in parameter.Values)
            {
                Assert.False(string.IsNullOrWhiteSpace(value.Citation.Instrument), $"{id} {parameter.Name} {value.From}");
                Assert.True(Enum.IsDefined(value.Citation.Status));
                Assert.EndsWith($"[{value.Citation.Status.Code()}]", value.Citation.Text, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Hypotheticals_SaySoInTheirCaveats(string id)
    {
        var policy = BuiltInPolicies.Get(id);
        if (policy.Standing == LegalStanding.Hypothetical)
        {
            Assert.Null(policy.InForce.Date);
            Assert.Contains(policy.Caveats, c => c.Contains("HYPOTHETICAL", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Proclamation10773_V1AndV2_AreDatedAsTheSpecSays()
    {
        var p = BuiltInPolicies.Get("proclamation-10773");
        Assert.Equal(new NodaTime.LocalDate(2024, 6, 5), p.InForce.Date);
        var streak = p.ParametersByName["deactivate.streak_days"];
        Assert.Equal(1m, streak.On(new NodaTime.LocalDate(2024, 9, 30)).Value.Number);
        Assert.Equal(28m, streak.On(new NodaTime.LocalDate(2024, 10, 1)).Value.Number);
        Assert.Equal("Proclamation 10817", streak.On(new NodaTime.LocalDate(2024, 10, 1)).Citation.Instrument);
        var uc = p.ParametersByName["counting.exclude_noncontiguous_uc"];
        Assert.True(uc.On(new NodaTime.LocalDate(2024, 9, 30)).Value.Flag);
        Assert.False(uc.On(new NodaTime.LocalDate(2024, 10, 1)).Value.Flag);
        Assert.Equal(VerificationStatus.Verified, p.ParametersByName["deactivate.threshold"].Values[0].Citation.Status);
    }

    [Fact]
    public void SenateAuthority_ReportedNumbers_AreMarkedSecondary()
    {
        var p = BuiltInPolicies.Get("senate-border-act-2024");
        Assert.Equal(VerificationStatus.Secondary, p.ParametersByName["activate.threshold"].Values[0].Citation.Status);
        Assert.Equal(VerificationStatus.VerifiedOfficial, p.ParametersByName["activate.discretionary_threshold"].Values[0].Citation.Status);
        Assert.Equal(VerificationStatus.Unverified, p.ParametersByName["deactivate.single_day_base"].Values[0].Citation.Status);
        Assert.Equal(VerificationStatus.VerifiedOfficial, p.ParametersByName["sunset.years"].Values[0].Citation.Status);
    }

    [Fact]
    public void RuleSetVersion_IsStableAndShort()
    {
        Assert.StartsWith("sha256:", RuleSetVersion.Current, StringComparison.Ordinal);
        Assert.Equal(RuleSetVersion.Current, RuleSetVersion.Current);
        Assert.Equal(23, RuleSetVersion.Current.Length);
    }
}
