using System.Security.Cryptography;
using System.Text;

namespace Threshold.Record.Tests;

/// <summary>The <c>rowsSha256</c> recipe of docs/record.md, written out independently: stored batches depend on it never changing.</summary>
public sealed class BatchDigestTests
{
    [Fact]
    public void BatchDigest_IsTheSha256OfEachFieldsLengthAndBytes_InRowOrder()
    {
        IReadOnlyList<string>[] rows =
        [
            ["1", "case-é", "{\"id\":\"case-é\"}", "[false,\"2024-06-05\"]", "ab", "sha256:0123", "0.1.0", "2024-06-05T00:00:00Z"],
            ["2", "", new string('x', 70_000), "§", "", "r", "e", "t"], // an empty field, and one longer than a hashing buffer
        ];
        var expected = new List<byte>();
        foreach (var field in rows.SelectMany(r => r))
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            var length = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(length, bytes.Length);
            expected.AddRange(length);
            expected.AddRange(bytes);
        }

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([.. expected])), DecisionRecord.BatchDigest(rows));
        Assert.NotEqual(DecisionRecord.BatchDigest(rows), DecisionRecord.BatchDigest([rows[1], rows[0]]));
    }

    [Fact]
    public void RowFrames_HashToTheBatchDigestOfTheirFields_AndGiveTheColumnsBack()
    {
        var input = Threshold.Screening.CaseJsonReader.Parse(
            "{\"id\":\"case-é\",\"enteredAt\":\"2024-07-01T03:00:00-07:00\",\"place\":\"between-ports\",\"citizenship\":\"MX\"}"u8.ToArray(), "t", 1, multiLine: false);
        var inputJson = Threshold.Screening.CaseJsonReader.Write(input);
        var big = new string('x', 70_000); // grows the frames past their first buffer
        using var frames = new DecisionRowFrames(41, "sha256:0123", "0.1.0", "2024-06-05T00:00:00.000000Z");
        frames.Add(input, "[false,\"2024-06-05\"]", "ab");
        frames.Add("c2", big, "§", "cd");

        IReadOnlyList<string>[] rows =
        [
            ["41", "case-é", inputJson, "[false,\"2024-06-05\"]", "ab", "sha256:0123", "0.1.0", "2024-06-05T00:00:00.000000Z"],
            ["42", "c2", big, "§", "cd", "sha256:0123", "0.1.0", "2024-06-05T00:00:00.000000Z"],
        ];
        Assert.Equal(DecisionRecord.BatchDigest(rows), frames.Sha256());
        Assert.Equal(43, frames.NextDecisionId);

        var read = new List<string[]>();
        frames.ForEachRow((id, caseId, inputUtf8, output, shared) =>
            read.Add([id.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetString(caseId.Span), Encoding.UTF8.GetString(inputUtf8.Span), Encoding.UTF8.GetString(output.Span), Encoding.UTF8.GetString(shared.Span)]));
        Assert.Equal(rows.Select(r => r.Take(5).ToArray()), read);
    }
}
