using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Threshold.Screening;

namespace Threshold.Record;

/// <summary>
/// A batch's decision rows encoded once as UTF-8 in the framing of <see cref="DecisionRecord.BatchDigest"/>: per row
/// the fields decision_id (decimal), case_id, input_json, output_json, the shared id (trace_id or template_id),
/// rule_set_version, engine_version and recorded_at, each as its byte length (8 bytes, big-endian) then its bytes.
/// The batch's <c>rowsSha256</c> is the SHA-256 of the frames whole, and the inserts read their columns from the same
/// bytes, so a row is encoded once for both instead of once per use.
/// </summary>
internal sealed class DecisionRowFrames : IDisposable
{
    private const int LengthBytes = 8;
    private readonly byte[] constantTail;
    private readonly ArrayBufferWriter<byte> inputBuffer = new(512);
    private readonly Utf8JsonWriter inputWriter;
    private byte[] frames = ArrayPool<byte>.Shared.Rent(1 << 16); // pooled: a batch of 50,000 rows frames about 17 MB
    private int used;

    /// <summary>Rows of one batch, all with these versions and this recorded-at text (<see cref="RecordTime.Format(NodaTime.Instant)"/>).</summary>
    public DecisionRowFrames(long firstDecisionId, string ruleSetVersion, string engineVersion, string recordedAt)
    {
        FirstDecisionId = firstDecisionId;
        RuleSetVersion = ruleSetVersion;
        EngineVersion = engineVersion;
        RecordedAt = recordedAt;
        inputWriter = new Utf8JsonWriter(inputBuffer);
        var tail = new ArrayBufferWriter<byte>();
        foreach (var field in (ReadOnlySpan<string>)[ruleSetVersion, engineVersion, recordedAt])
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt64BigEndian(tail.GetSpan(LengthBytes), bytes.Length);
            tail.Advance(LengthBytes);
            tail.Write(bytes);
        }

        constantTail = tail.WrittenSpan.ToArray();
    }

    /// <summary>The decision id of the first row; row <c>k</c> has id <c>FirstDecisionId + k</c>.</summary>
    public long FirstDecisionId { get; }

    public string RuleSetVersion { get; }

    public string EngineVersion { get; }

    public string RecordedAt { get; }

    /// <summary>Rows added.</summary>
    public int Count { get; private set; }

    /// <summary>The next row's decision id.</summary>
    public long NextDecisionId => checked(FirstDecisionId + Count);

    /// <summary>Adds the next row for case <paramref name="input"/>, its input written straight to UTF-8 (<see cref="CaseJsonReader.Write(ScreeningCase, Utf8JsonWriter)"/>).</summary>
    public void Add(ScreeningCase input, string outputJson, string sharedId)
    {
        ArgumentNullException.ThrowIfNull(input);
        inputBuffer.ResetWrittenCount();
        inputWriter.Reset(inputBuffer);
        CaseJsonReader.Write(input, inputWriter);
        inputWriter.Flush();
        AddRow(input.Id, inputBuffer.WrittenSpan, null, outputJson, sharedId);
    }

    /// <summary>Adds the next row with its input JSON already as text.</summary>
    public void Add(string caseId, string inputJson, string outputJson, string sharedId) => AddRow(caseId, default, inputJson, outputJson, sharedId);

    private void AddRow(string caseId, ReadOnlySpan<byte> inputUtf8, string? inputText, string outputJson, string sharedId)
    {
        Span<byte> id = stackalloc byte[20];
        NextDecisionId.TryFormat(id, out var idLength, provider: System.Globalization.CultureInfo.InvariantCulture);
        var most = (5 * LengthBytes) + idLength + constantTail.Length + Encoding.UTF8.GetMaxByteCount(caseId.Length + outputJson.Length + sharedId.Length)
            + (inputText is null ? inputUtf8.Length : Encoding.UTF8.GetMaxByteCount(inputText.Length));
        if (frames.Length - used < most)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(checked(frames.Length * 2), checked(used + most)));
            frames.AsSpan(0, used).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(frames);
            frames = larger;
        }

        Put(id[..idLength]);
        Put(caseId);
        if (inputText is null)
        {
            Put(inputUtf8);
        }
        else
        {
            Put(inputText);
        }

        Put(outputJson);
        Put(sharedId);
        constantTail.CopyTo(frames.AsSpan(used));
        used += constantTail.Length;
        Count++;
    }

    private void Put(ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt64BigEndian(frames.AsSpan(used), bytes.Length);
        bytes.CopyTo(frames.AsSpan(used + LengthBytes));
        used += LengthBytes + bytes.Length;
    }

    private void Put(string text)
    {
        var count = Encoding.UTF8.GetBytes(text, frames.AsSpan(used + LengthBytes));
        BinaryPrimitives.WriteInt64BigEndian(frames.AsSpan(used), count);
        used += LengthBytes + count;
    }

    /// <summary>The batch's <c>rowsSha256</c>: equal to <see cref="DecisionRecord.BatchDigest"/> of the same rows.</summary>
    public string Sha256() => Convert.ToHexStringLower(SHA256.HashData(frames.AsSpan(0, used)));

    /// <summary>A row's stored columns as UTF-8, read back from the frames (valid until the frames change).</summary>
    public delegate void RowColumns(long decisionId, ReadOnlyMemory<byte> caseId, ReadOnlyMemory<byte> inputJson, ReadOnlyMemory<byte> outputJson, ReadOnlyMemory<byte> sharedId);

    /// <summary>Calls <paramref name="row"/> for every row in order.</summary>
    public void ForEachRow(RowColumns row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var at = 0;
        for (var k = 0; k < Count; k++)
        {
            _ = Next(ref at);
            var caseId = Next(ref at);
            var input = Next(ref at);
            var output = Next(ref at);
            var shared = Next(ref at);
            at += constantTail.Length;
            row(FirstDecisionId + k, caseId, input, output, shared);
        }
    }

    private ReadOnlyMemory<byte> Next(ref int at)
    {
        var length = checked((int)BinaryPrimitives.ReadInt64BigEndian(frames.AsSpan(at)));
        var field = new ReadOnlyMemory<byte>(frames, at + LengthBytes, length);
        at += LengthBytes + length;
        return field;
    }

    public void Dispose()
    {
        inputWriter.Dispose();
        ArrayPool<byte>.Shared.Return(frames);
        frames = [];
        used = 0;
        Count = 0;
    }
}
