using System.Text.Json.Nodes;

namespace Threshold.Record.Tests;

public class CanonicalJsonTests
{
    [Fact]
    public void Canonicalize_NestedObjects_SortsKeysAndDropsWhitespace()
    {
        var text = CanonicalJson.Canonicalize("""{ "b": 1, "a": { "z": [3, {"y": true, "x": null}], "m": "é<>&" } }""");
        Assert.Equal("""{"a":{"m":"é<>&","z":[3,{"x":null,"y":true}]},"b":1}""", text);
    }

    [Fact]
    public void Serialize_ControlCharacters_EscapedLowerHex()
    {
        var text = CanonicalJson.Serialize(new JsonObject { ["s"] = "a\"b\\c\n\u0001" });
        Assert.Equal("{\"s\":\"a\\\"b\\\\c\\n\\u0001\"}", text);
    }

    [Fact]
    public void Serialize_BuiltAndParsedValues_AreIdentical()
    {
        var built = CanonicalJson.Serialize(new JsonObject { ["n"] = 42L, ["s"] = "x", ["t"] = false });
        Assert.Equal(built, CanonicalJson.Canonicalize("""{"t":false,"s":"x","n":42}"""));
    }

    [Fact]
    public void Serialize_Fraction_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => CanonicalJson.Canonicalize("""{"x":1.5}"""));
    }
}
