using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Threshold.Returns;

namespace Threshold.Record;

/// <summary>What an offline check of an audit export found: the whole file holds, or the first line that does not.</summary>
/// <param name="Entries">Entry lines checked.</param>
/// <param name="FirstSeq">The first exported entry's seq (null when none).</param>
/// <param name="LastSeq">The last exported entry's seq (null when none).</param>
/// <param name="ChainEntries">The chain's length when exported, from the chain-head line.</param>
/// <param name="HeadHash">The chain head from the chain-head line.</param>
/// <param name="HeadChecked">True when the export reaches the chain's last entry, so the head was recomputed from it.</param>
/// <param name="FailedLine">The first line (1-based) that fails, or null.</param>
/// <param name="Reason">Why it fails.</param>
public sealed record ExportVerification(long Entries, long? FirstSeq, long? LastSeq, long ChainEntries, string? HeadHash, bool HeadChecked, long? FailedLine, string? Reason)
{
    public bool IsValid => FailedLine is null;
}

/// <summary>
/// The audit export (<c>threshold audit export</c>, <c>GET /api/v1/audit/export</c>): one JSON line per entry with its
/// payload, the exact canonical payload text that was hashed, the previous hash and its hash, then one chain-head line.
/// <see cref="Verify"/> re-checks such a file with no database: a court or a journalist can check what they were given.
/// </summary>
public static class AuditExport
{
    /// <summary>
    /// Writes the entries recorded between <paramref name="from"/> and <paramref name="to"/> inclusive, then the chain
    /// head from <paramref name="verification"/>, which must have passed.
    /// </summary>
    public static void Write(RecordStore store, ChainVerification verification, Instant from, Instant to, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(verification);
        ArgumentNullException.ThrowIfNull(writer);
        if (!verification.IsValid)
        {
            throw new InvalidOperationException("the export needs a chain that verifies");
        }

        var entries = store.Audit.Entries().Where(e => e.RecordedAt >= from && e.RecordedAt <= to).ToList();
        foreach (var e in entries)
        {
            writer.WriteLine(JsonSerializer.Serialize(
                new { type = "entry", seq = e.Seq, kind = e.Kind, recordedAt = InstantPattern.ExtendedIso.Format(e.RecordedAt), payload = JsonDocument.Parse(e.Payload).RootElement, canonicalPayload = e.Payload, prevHash = e.PrevHash, hash = e.Hash },
                CaseDecisionJson.Compact));
        }

        writer.WriteLine(JsonSerializer.Serialize(
            new { type = "chain-head", entries = verification.EntryCount, headHash = verification.HeadHash, exported = entries.Count, engineVersion = Threshold.Law.RuleSetVersion.EngineVersion, ruleSetVersion = Threshold.Law.RuleSetVersion.Current },
            CaseDecisionJson.Compact));
    }

    /// <summary>
    /// Checks an export without the database: every entry's hash is recomputed from its own fields (docs/record.md),
    /// each entry links to the one before it by seq and prev_hash (the first to the genesis hash when it is seq 1),
    /// <c>payload</c> is exactly <c>canonicalPayload</c>, instants never go backwards, the chain-head line comes last and
    /// counts the entries, and when the export reaches the chain's last entry the head hash is that entry's hash. An
    /// edited, deleted, inserted or moved line fails at that line's position.
    /// </summary>
    public static ExportVerification Verify(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long line = 0, count = 0;
        long? firstSeq = null, lastSeq = null;
        string? lastHash = null;
        Instant? lastAt = null;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            JsonObject fields;
            try
            {
                fields = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not a JSON object");
            }
            catch (JsonException e)
            {
                return Fail($"not a JSON object ({e.Message})");
            }

            switch (Text(fields, "type"))
            {
                case "entry":
                    if (CheckEntry(fields) is { } problem)
                    {
                        return Fail(problem);
                    }

                    break;
                case "chain-head":
                    return CheckHead(fields);
                default:
                    return Fail("\"type\" must be \"entry\" or \"chain-head\"");
            }
        }

        return Fail(count == 0 ? "the file is empty: no chain-head line" : "no chain-head line after the last entry: the export is truncated", line + 1);

        string? CheckEntry(JsonObject e)
        {
            long seq;
            string kind, canonical, prev, hash;
            Instant at;
            try
            {
                seq = e["seq"]?.GetValue<long>() ?? throw new FormatException("\"seq\" is missing");
                kind = Text(e, "kind") ?? throw new FormatException("\"kind\" is missing");
                at = InstantPattern.ExtendedIso.Parse(Text(e, "recordedAt") ?? throw new FormatException("\"recordedAt\" is missing")).GetValueOrThrow();
                canonical = Text(e, "canonicalPayload") ?? throw new FormatException("\"canonicalPayload\" is missing");
                prev = Text(e, "prevHash") ?? throw new FormatException("\"prevHash\" is missing");
                hash = Text(e, "hash") ?? throw new FormatException("\"hash\" is missing");
                if (CanonicalJson.Canonicalize(canonical) != canonical)
                {
                    return "canonicalPayload is not in canonical JSON form";
                }

                if (CanonicalJson.Serialize(e["payload"]) != canonical)
                {
                    return "payload differs from canonicalPayload (the hash covers canonicalPayload)";
                }
            }
            catch (Exception x) when (x is FormatException or InvalidOperationException or JsonException or UnparsableValueException or ArgumentException)
            {
                return x.Message;
            }

            if (lastSeq is { } before && seq != before + 1)
            {
                return $"seq {seq} follows seq {before}: an entry was deleted, inserted or moved";
            }

            if (lastSeq is null && seq == 1 && prev != AuditChain.GenesisHash)
            {
                return "seq 1 must have the genesis prevHash (64 zeros)";
            }

            if (lastHash is not null && prev != lastHash)
            {
                return $"prevHash {prev} but the entry before has hash {lastHash}";
            }

            if (lastAt is { } earlier && at < earlier)
            {
                return $"recordedAt {InstantPattern.ExtendedIso.Format(at)} is before the entry before ({InstantPattern.ExtendedIso.Format(earlier)})";
            }

            var recomputed = AuditChain.ComputeHash(prev, seq, kind, at, canonical);
            if (recomputed != hash)
            {
                return $"seq {seq}: the stated hash {hash} but the entry hashes to {recomputed}: it was edited";
            }

            firstSeq ??= seq;
            (lastSeq, lastHash, lastAt) = (seq, hash, at);
            count++;
            return null;
        }

        ExportVerification CheckHead(JsonObject head)
        {
            long chainEntries, exported;
            string headHash;
            try
            {
                chainEntries = head["entries"]?.GetValue<long>() ?? throw new FormatException("\"entries\" is missing");
                exported = head["exported"]?.GetValue<long>() ?? throw new FormatException("\"exported\" is missing");
                headHash = Text(head, "headHash") ?? throw new FormatException("\"headHash\" is missing");
            }
            catch (Exception x) when (x is FormatException or InvalidOperationException)
            {
                return Fail(x.Message);
            }

            if (exported != count)
            {
                return Fail($"the chain head says {exported} entries were exported, but {count} entry lines precede it");
            }

            if (lastSeq > chainEntries)
            {
                return Fail($"the chain head says the chain has {chainEntries} entries, but seq {lastSeq} was exported");
            }

            var reachesHead = lastSeq == chainEntries || chainEntries == 0;
            var expectedHead = chainEntries == 0 ? AuditChain.GenesisHash : lastHash;
            if (reachesHead && headHash != expectedHead)
            {
                return Fail($"headHash {headHash} but the last entry's hash is {expectedHead}");
            }

            if (reader.ReadLine() is { } extra)
            {
                return Fail($"a line follows the chain-head line (\"{(extra.Length > 40 ? extra[..40] + "…" : extra)}\"): the chain head must come last", line + 1);
            }

            return new ExportVerification(count, firstSeq, lastSeq, chainEntries, headHash, reachesHead, null, null);
        }

        ExportVerification Fail(string reason, long? at = null) => new(count, firstSeq, lastSeq, 0, null, false, at ?? line, reason);
    }

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
