using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Threshold.Record.Tests;

/// <summary>
/// Properties of the audit export (issue 7, round trips): any sequence of stored facts, exported, re-verifies offline
/// (<see cref="AuditExport.Verify"/>, no database) to the record's own chain head; and any single edited, deleted,
/// inserted or moved line makes it fail naming that line (the first line deleted or moved is named where it shows: an
/// export may begin at any seq, so the chain head's count, or the line that cannot follow, gives it away).
/// </summary>
public sealed class AuditExportPropertyTests
{
    /// <summary>Kinds whose payloads the record does not cross-check against other tables (decision entries are, below).</summary>
    // Kinds that record no rows: an entry of a fact kind (import, determination …) must bind the rows it wrote (RecordFacts).
    private static readonly string[] Kinds = ["note", "anchor", "policy-change", "export", "api-key"];

    /// <summary>Keys and strings with the characters canonical JSON must treat carefully: quotes, backslashes, controls, non-ASCII.</summary>
    private static readonly Gen<string> Texts = Gen.Elements("a", "series", "Ñandú", "\"quoted\"", "back\\slash", "tab\there", "line\nbreak", "\u0001", "😀", "z", "A", "é", "日本")
        .ListOf().Select(parts => string.Concat(parts));

    private static readonly Gen<JsonNode?> Leaves = Gen.OneOf(
        Texts.Select(s => (JsonNode?)JsonValue.Create(s)),
        ArbMap.Default.GeneratorFor<long>().Select(n => (JsonNode?)JsonValue.Create(n)),
        ArbMap.Default.GeneratorFor<bool>().Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Constant<JsonNode?>(null));

    private static readonly Gen<JsonObject> Payloads =
        Gen.Zip(Texts, Gen.OneOf(Leaves, Leaves.ListOf().Select(l => (JsonNode?)new JsonArray([.. l]))))
            .ListOf()
            .Select(fields =>
            {
                var o = new JsonObject();
                foreach (var (key, value) in fields)
                {
                    o[key] = value; // a repeated key keeps its last value
                }

                return o;
            });

    private static readonly Gen<(string Kind, JsonObject Payload)[]> Facts =
        Gen.Zip(Gen.Elements(Kinds), Payloads).NonEmptyListOf().Select(l => l.Take(12).ToArray());

    [Property(MaxTest = 25)]
    public Property AnyStoredFacts_Exported_VerifyOfflineToTheRecordsChainHead() => Prop.ForAll(Facts.ToArbitrary(), facts =>
    {
        using var record = Stored(facts);
        var chain = record.Store.Verify();
        var full = AuditExport.Verify(new StringReader(Export(record, Instant.MinValue)));
        // A later part (from the second entry on) also verifies and still reaches the head.
        var second = record.Store.Audit.Entries().Skip(1).FirstOrDefault();
        var part = second is null ? full : AuditExport.Verify(new StringReader(Export(record, second.RecordedAt)));
        return full.IsValid.Label($"full export fails at line {full.FailedLine}: {full.Reason}")
            .And((full.Entries == facts.Length && full.HeadChecked && full.HeadHash == chain.HeadHash).Label("the full export reaches the record's chain head"))
            .And(part.IsValid.Label($"part export fails at line {part.FailedLine}: {part.Reason}"))
            .And((part.HeadHash == chain.HeadHash && part.HeadChecked).Label("the part export reaches the head too"));
    });

    [Property(MaxTest = 40)]
    public Property AnySingleTamperedLine_FailsNamingThatLine() => Prop.ForAll(Facts.ToArbitrary(), Gen.Zip(Gen.Choose(0, 8), Gen.Choose(0, 1000)).ToArbitrary(), (facts, tamper) =>
    {
        using var record = Stored(facts);
        var lines = Export(record, Instant.MinValue).TrimEnd('\n').Split('\n').ToList();
        var (how, at) = tamper;
        var k = at % lines.Count; // 0-based index of the tampered line; the chain head is the last
        var isHead = k == lines.Count - 1;
        var expectedLine = k + 1;
        string what;
        switch (how)
        {
            case 0:
                lines.RemoveAt(k);
                // Without its first line an export is a valid-looking part from seq 2: the chain head's count tells.
                expectedLine = k == 0 ? lines.Count : k + 1;
                what = "deleted";
                break;
            case 1 when !isHead:
                // Likewise a first line that is seq 2 could begin a part; the next line (seq 1) cannot follow it.
                expectedLine = k == 0 && lines.Count > 2 ? 2 : k + 1;
                (lines[k], lines[k + 1]) = (lines[k + 1], lines[k]);
                what = "swapped with the next";
                break;
            case 2:
                lines.Insert(k + 1, lines[k]);
                expectedLine = k + 2;
                what = "duplicated";
                break;
            default:
                lines[k] = Edit(lines[k], how, isHead);
                what = $"edited ({how})";
                break;
        }

        var result = AuditExport.Verify(new StringReader(string.Join('\n', lines) + "\n"));
        return (!result.IsValid && result.FailedLine == expectedLine)
            .Label($"line {k + 1} {what}: expected a failure at line {expectedLine}, got {(result.IsValid ? "valid" : $"line {result.FailedLine}: {result.Reason}")}");
    });

    [Theory]
    [InlineData(DecisionRecord.BatchKind)]
    [InlineData(DecisionRecord.LegacyKind)]
    public void AWellHashedDecisionEntry_WhosePayloadIsNotOne_IsNamedByVerify_NotACrash(string kind)
    {
        using var record = new TempRecord();
        record.Store.Audit.Append("import", new JsonObject { ["series"] = "s" });
        record.Store.Audit.Append(kind, new JsonObject { ["count"] = "many" });
        var result = record.Store.Verify();
        Assert.False(result.IsValid);
        Assert.Equal(2, result.FailedSeq);
        Assert.Equal(ChainFailure.FactMismatch, result.Failure);
        Assert.Contains($"{kind} entry 2: the payload has no", result.Reason, StringComparison.Ordinal);
    }

    /// <summary>One field of a line changed: a hash digit, the kind, the seq, the instant, or the payload; the chain head's hash or count.</summary>
    private static string Edit(string line, int how, bool isHead)
    {
        var o = JsonNode.Parse(line)!.AsObject();
        if (isHead)
        {
            if (how % 2 == 0)
            {
                o["headHash"] = Flip(o["headHash"]!.GetValue<string>());
            }
            else
            {
                o["exported"] = o["exported"]!.GetValue<long>() + 1;
            }

            return o.ToJsonString();
        }

        switch (how)
        {
            case 3:
                o["hash"] = Flip(o["hash"]!.GetValue<string>());
                break;
            case 4:
                o["kind"] = o["kind"]!.GetValue<string>() + "x";
                break;
            case 5:
                o["seq"] = o["seq"]!.GetValue<long>() + 1;
                break;
            case 6:
                var at = NodaTime.Text.InstantPattern.ExtendedIso.Parse(o["recordedAt"]!.GetValue<string>()).Value;
                o["recordedAt"] = NodaTime.Text.InstantPattern.ExtendedIso.Format(at + Duration.FromSeconds(1));
                break;
            case 7:
                o["payload"]!.AsObject()["added"] = 1;
                break;
            default:
                // payload and canonicalPayload changed together: only the hash can tell
                var payload = o["payload"]!.AsObject();
                payload["added"] = 1;
                o["canonicalPayload"] = CanonicalJson.Serialize(payload);
                break;
        }

        return o.ToJsonString();

        static string Flip(string hex) => (hex[0] == '0' ? "1" : "0") + hex[1..];
    }

    private static TempRecord Stored((string Kind, JsonObject Payload)[] facts)
    {
        var record = new TempRecord();
        foreach (var (kind, payload) in facts)
        {
            record.Store.Audit.Append(kind, (JsonObject)payload.DeepClone());
        }

        return record;
    }

    private static string Export(TempRecord record, Instant from)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        AuditExport.Write(record.Store, record.Store.Verify(), from, Instant.MaxValue, text);
        return text.ToString();
    }
}
