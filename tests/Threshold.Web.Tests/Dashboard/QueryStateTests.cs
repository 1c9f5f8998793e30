using NodaTime;
using Threshold.Web.Dashboard;

namespace Threshold.Web.Tests.Dashboard;

/// <summary>Every view is a link: what a page reads from its query string, and the message a bad value gets (never an exception).</summary>
public sealed class QueryStateTests
{
    [Fact]
    public void Read_GoodValues_AreTheirTypedValues()
    {
        var link = QueryState.Parse("http://h/?policy=proclamation-10773&inForce=2024-01-01&set=a%3D1&set=b%3D2&asKnownOn=2025-01-20T05%3A01%3A00Z&paths=200&share=0.3&on=true");
        Assert.Equal("proclamation-10773", link.OneOf("policy", ["proclamation-10773", "proclamation-10888"]));
        Assert.Equal(new LocalDate(2024, 1, 1), link.Date("inForce"));
        Assert.Equal(["a=1", "b=2"], link.Texts("set"));
        Assert.Equal(Instant.FromUtc(2025, 1, 20, 5, 1), link.InstantOf("asKnownOn"));
        Assert.Equal(200, link.WholeNumber("paths", 20, 10_000));
        Assert.Equal(0.3, link.Number("share", 0, 1));
        Assert.True(link.Boolean("on"));
        link.RejectUnread();
        Assert.Empty(link.Problems);
    }

    [Fact]
    public void Read_NothingGiven_IsNullAndNoProblem()
    {
        var link = QueryState.Parse("/monitor");
        Assert.Null(link.Date("inForce"));
        Assert.Null(link.Text("series"));
        Assert.Empty(link.Texts("set"));
        link.RejectUnread();
        Assert.Empty(link.Problems);
    }

    [Theory]
    [InlineData("?inForce=2024-13-01", "inForce: '2024-13-01' is not a date in yyyy-MM-dd form")]
    [InlineData("?inForce=yesterday", "inForce: 'yesterday' is not a date in yyyy-MM-dd form")]
    [InlineData("?policy=nope", "policy: 'nope' is not one of proclamation-10773, proclamation-10888")]
    [InlineData("?policy=proclamation-10773&policy=proclamation-10888", "policy is given 2 times; a link gives it once")]
    [InlineData("?paths=5", "paths: '5' is not a whole number from 20 to 10000")]
    [InlineData("?paths=1e9", "paths: '1e9' is not a whole number from 20 to 10000")]
    [InlineData("?share=NaN", "share: 'NaN' is not a number from 0 to 1")]
    [InlineData("?share=2", "share: '2' is not a number from 0 to 1")]
    [InlineData("?asKnownOn=2025-01-20", "asKnownOn: '2025-01-20' is not an ISO-8601 instant such as 2025-01-20T05:01:00Z")]
    [InlineData("?asKnownOn=9999-12-31T23:59:59-05:00", "asKnownOn: '9999-12-31T23:59:59-05:00' is not an ISO-8601 instant such as 2025-01-20T05:01:00Z")]
    [InlineData("?on=yes", "on: 'yes' is not one of true, false")]
    [InlineData("?polcy=proclamation-10773", "polcy is not a parameter of this page; it was ignored")]
    [InlineData("?series=a%0Ab", "series holds a control character")]
    public void Read_ABadValue_IsAMessageNamingTheParameter_AndTheDefaultStands(string query, string message)
    {
        var link = QueryState.Parse("http://127.0.0.1:5080/" + query);
        Assert.Null(link.Date("inForce"));
        Assert.Null(link.OneOf("policy", ["proclamation-10773", "proclamation-10888"]));
        Assert.Null(link.WholeNumber("paths", 20, 10_000));
        Assert.Null(link.Number("share", 0, 1));
        Assert.Null(link.InstantOf("asKnownOn"));
        Assert.Null(link.Boolean("on"));
        Assert.Null(link.Text("series"));
        link.RejectUnread();
        Assert.Equal([message], link.Problems);
    }

    [Fact]
    public void Read_AHostileValue_IsShortenedInItsMessage()
    {
        var link = QueryState.Parse("?policy=" + new string('x', 300));
        Assert.Null(link.OneOf("policy", ["proclamation-10773"]));
        Assert.True(link.Problems.Single().Length < 120);
        Assert.Null(QueryState.Parse("?series=" + new string('y', QueryState.MaxTextLength + 1)).Text("series"));
    }

    [Fact]
    public void Read_ARepeatableParameter_KeepsItsKnownValues_AndNamesTheOthers()
    {
        var link = QueryState.Parse("?include=senate&include=mars&include=reform&include=senate");
        Assert.Equal(["senate", "reform"], link.AllOf("include", ["amended", "senate", "reform"]));
        Assert.Equal(["include: 'mars' is not one of amended, senate, reform"], link.Problems);
    }

    [Fact]
    public void Field_ATypedValue_IsReadByTheSameRuleAsTheLink()
    {
        var good = QueryState.Field("asOf", " 2025-01-20T05:01:00-05:00 ");
        Assert.Equal("2025-01-20T05:01:00-05:00", good.InstantText("asOf"));
        Assert.Empty(good.Problems);

        var bad = QueryState.Field("asOf", "2025-01-20 05:01 & more=1");
        Assert.Null(bad.InstantText("asOf"));
        Assert.Equal(["asOf: '2025-01-20 05:01 & more=1' is not an ISO-8601 instant such as 2025-01-20T05:01:00Z"], bad.Problems);

        var empty = QueryState.Field("asOf", "  ");
        Assert.Null(empty.InstantText("asOf"));
        Assert.Empty(empty.Problems);
    }

    [Fact]
    public void Write_ThenRead_GivesTheSameState_AndLeavesDefaultsOut()
    {
        var text = new QueryLink()
            .Add("policy", "proclamation-10773", "proclamation-10773")
            .Add("series", "daily encounters & more")
            .AddAll("set", ["deactivate.threshold=2000", "activate.threshold=3000"])
            .Add("inForce", null)
            .ToString();
        Assert.DoesNotContain("policy", text, StringComparison.Ordinal);
        var link = QueryState.Parse(text);
        Assert.Equal("daily encounters & more", link.Text("series"));
        Assert.Equal(["deactivate.threshold=2000", "activate.threshold=3000"], link.Texts("set"));
        link.RejectUnread();
        Assert.Empty(link.Problems);
        Assert.Equal(string.Empty, new QueryLink().Add("policy", null).ToString());
    }
}
