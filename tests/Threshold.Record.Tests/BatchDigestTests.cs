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
}
