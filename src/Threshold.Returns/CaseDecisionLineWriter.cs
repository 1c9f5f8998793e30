using System.Buffers;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Screening;

namespace Threshold.Returns;

/// <summary>
/// Writes bulk screening results as JSONL, one compact line per case, in constant memory. Each line has the decision
/// fields of the public contract plus <c>modeledEncounters</c> (true when the suspension periods come from a MODELED
/// series: on every line, so a line read alone still says so), <c>citations[]</c> (full citation texts, each ending in
/// its verification mark), <c>traceId</c> and the trace: every rule considered, as <c>rule</c> — the rule's label — <c>held</c> and
/// <c>citation</c>, the short form instrument + section + mark, e.g. "Proclamation 10773 §3(b)(i) [V]" (the full texts
/// are in <c>citations[]</c>, in <c>threshold policies</c> and in single-case output). <c>traceId</c> is the first 12 hex
/// digits of the SHA-256 of the trace's JSON, the same in every file and run.
/// <para>With <see cref="BulkTraceMode.Inline"/> every line carries <c>flags[]</c>, <c>appliedOrders[]</c>,
/// <c>citations[]</c>, <c>traceId</c> and <c>trace[]</c> itself. With <see cref="BulkTraceMode.Shared"/> those five
/// members, which depend only on the outcome's shape, form the case's <em>explanation</em>: the first line that uses an
/// explanation carries it whole as <c>explanation</c> (an object with those members in that order) and every line names
/// it by <c>explanationId</c>, the first 12 hex digits of the SHA-256 of the explanation's JSON. Replacing
/// <c>explanationId</c> (and <c>explanation</c>) by the explanation's members gives the inline line, byte for byte.
/// Explanations repeat across thousands of cases, and this keeps a line to about a fifth of its inline size.</para>
/// The cases are decided on the fast path (<see cref="CaseScreener.Classify"/>); everything on a line except the id,
/// the dates, the return allocation and the status depends only on the outcome's shape, so it is built once per
/// distinct shape as UTF-8 and copied. Lines are assembled in an internal buffer: call <see cref="Flush"/> or
/// <see cref="Dispose"/> to write the rest to the stream.
/// </summary>
public sealed class CaseDecisionLineWriter : IDisposable
{
    private const int BufferSize = 1 << 18;
    private static readonly System.Text.Encodings.Web.JavaScriptEncoder Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    private readonly CaseScreener screener;
    private readonly ReturnsLedger ledger;
    private readonly Stream output;
    private readonly byte[] buffer = new byte[BufferSize];
    private readonly Dictionary<PackedKey, Fragments> fragments = [];
    private readonly Dictionary<ShapeKey, Fragments> unusual = [];
    private readonly Dictionary<object, byte[]> texts = new(ReferenceEqualityComparer.Instance);
    private readonly long[] orderStarts;
    private readonly ulong fixedOrderMask;
    private readonly byte[] policy;
    private int used;

    // Byte ranges of the per-case values (id, destination, overflow, allocation, dates) in the line Append just wrote.
    private readonly int[] holes = new int[32];
    private int holeCount;

    private readonly Dictionary<string, int> explanationIds = new(StringComparer.Ordinal);
    private readonly List<bool> explanationWritten = [];
    private readonly List<Fragments> shapes = [];
    private readonly Dictionary<(int Shape, int Holes), (string Sha256, string Json)> templates = [];
    private readonly byte[] valueScratch = new byte[BufferSize + 2];

    public CaseDecisionLineWriter(CaseScreener screener, ReturnsLedger ledger, Stream output, LocalDate? decidedOn, BulkTraceMode traceMode = BulkTraceMode.Inline)
    {
        TraceMode = traceMode;
        this.screener = screener;
        this.ledger = ledger;
        this.output = output;
        DecidedOn = decidedOn;
        var rules = screener.Rules.Rules;
        // A line's shape depends on which order events have taken effect by its decision day: one bit per dated event.
        var orderEvents = rules.CourtOrders.SelectMany(o => o.Events).Where(e => e.Effective is not null).ToArray();
        orderStarts = orderEvents.Select(e => e.Effective!.Value.AtStartOfDayInZone(EasternTime.Zone).ToInstant().ToUnixTimeTicks()).ToArray();
        if (decidedOn is { } d)
        {
            for (var k = 0; k < orderEvents.Length; k++)
            {
                if (orderEvents[k].Effective <= d)
                {
                    fixedOrderMask |= 1UL << k;
                }
            }
        }

        policy = JsonEncodedText.Encode(screener.Rules.Policy.Id).EncodedUtf8Bytes.ToArray();
    }

    public LocalDate? DecidedOn { get; }

    public BulkTraceMode TraceMode { get; }

    /// <summary>Distinct outcome shapes seen so far (each built once with its full trace).</summary>
    public int Shapes => fragments.Count + unusual.Count;

    /// <summary>Screens, allocates and writes one case as one line.</summary>
    public void Write(ScreeningCase c)
    {
        var o = screener.Classify(c);
        ReturnAllocation? allocation = o.Removal.GoesToLedger()
            ? ledger.Allocate(new ReturnRequest(c.Id, c.Citizenship, c.EntryInstant, c.Has(CaseFacts.UnaccompaniedChild)))
            : null;
        var shared = TraceMode == BulkTraceMode.Shared;
        var (f, at) = Append(c, o, allocation, shared);
        var span = buffer.AsSpan(used);
        Close(span, ref at, f, shared);
        used += at;
    }

    /// <summary>Ends a line: its trace (inline), or its explanation on the explanation's first line (shared).</summary>
    private void Close(Span<byte> span, ref int at, Fragments f, bool shared)
    {
        if (!shared)
        {
            Put(span, ref at, f.Trace);
        }
        else if (!explanationWritten[f.ExplanationIndex])
        {
            Put(span, ref at, f.Explanation);
            explanationWritten[f.ExplanationIndex] = true;
        }

        Put(span, ref at, "}\n"u8);
    }

    /// <summary>
    /// Formats one case, already classified (<see cref="CaseScreener.Classify"/>) and with its return allocation
    /// decided elsewhere (the record's ledger; null when the case is not removable): the shared bulk line, and the
    /// inline line split into the outcome's template (shared by every case of the same shape) and this case's values,
    /// as the record stores it. Nothing is written; see <see cref="WriteFormatted"/>.
    /// </summary>
    public FormattedDecision Format(ScreeningCase c, ScreeningOutcome o, ReturnAllocation? allocation)
    {
        ArgumentNullException.ThrowIfNull(c);
        var (f, at) = Append(c, o, allocation, shared: true, markHoles: true);
        var bytes = buffer.AsSpan(used, at);
        var line = System.Text.Encoding.UTF8.GetString(bytes) + "}";
        if (!templates.TryGetValue((f.ShapeIndex, holeCount), out var template))
        {
            template = Template(f, bytes);
            templates[(f.ShapeIndex, holeCount)] = template;
        }

        // The values after the id, as a JSON array of the raw JSON texts the line holds (at most the line's length).
        var values = valueScratch;
        var n = 0;
        values[n++] = (byte)'[';
        for (var k = 2; k < holeCount; k += 2)
        {
            if (k > 2)
            {
                values[n++] = (byte)',';
            }

            bytes[holes[k]..holes[k + 1]].CopyTo(values.AsSpan(n));
            n += holes[k + 1] - holes[k];
        }

        values[n++] = (byte)']';
        return new FormattedDecision(c.Id, line, f.ShapeIndex, template.Sha256, template.Json, System.Text.Encoding.UTF8.GetString(values, 0, n));
    }

    /// <summary>
    /// The inline line's text around its per-case values, as a JSON array of strings: the segments between the values,
    /// with the inline tail (flags, applied orders, citations, trace id, trace) at the end in place of the shared id.
    /// </summary>
    private (string Sha256, string Json) Template(Fragments f, ReadOnlySpan<byte> line)
    {
        var segments = new List<string>();
        var from = 0;
        for (var k = 0; k < holeCount; k += 2)
        {
            segments.Add(System.Text.Encoding.UTF8.GetString(line[from..holes[k]]));
            from = holes[k + 1];
        }

        // After the last value (decidedOn, with its closing quote) the inline line goes on with the tail past its quote.
        segments.Add(System.Text.Encoding.UTF8.GetString([.. f.Tail.AsSpan(1), .. f.Trace, (byte)'}']));
        var json = JsonSerializer.Serialize(segments, TemplateJson);
        return (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json))), json);
    }

    private static readonly JsonSerializerOptions TemplateJson = new() { Encoder = Encoder };

    /// <summary>A case id as the lines write it: a JSON string, escaped as every line escapes it.</summary>
    public static string IdJson(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return IsPlain(id) ? $"\"{id}\"" : $"\"{JsonEncodedText.Encode(id, Encoder)}\"";
    }

    /// <summary>Writes a line made by <see cref="Format"/> of this writer, with its trace as <see cref="TraceMode"/> says.</summary>
    public void WriteFormatted(FormattedDecision line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var head = System.Text.Encoding.UTF8.GetBytes(line.Line);
        var f = shapes[line.ShapeIndex];
        var shared = TraceMode == BulkTraceMode.Shared;
        Reserve(head.Length + f.Length);
        var span = buffer.AsSpan(used);
        var at = 0;

        // The formatted line ends with the explanation's id and "}"; an inline line swaps that for the inline tail.
        Put(span, ref at, head.AsSpan(0, head.Length - 1 - (shared ? 0 : f.SharedTail.Length)));
        if (!shared)
        {
            Put(span, ref at, f.Tail);
        }

        Close(span, ref at, f, shared);
        used += at;
    }

    /// <summary>Appends the line without its trace and closing brace at <c>used</c> (not yet committed); returns its length.</summary>
    private (Fragments Fragments, int Length) Append(ScreeningCase c, ScreeningOutcome o, ReturnAllocation? allocation, bool shared, bool markHoles = false)
    {
        var ticks = c.EntryInstant.ToUnixTimeTicks();
        var flagMask = screener.Rules.FlagMask(c, o);

        var orderMask = fixedOrderMask;
        if (DecidedOn is null)
        {
            var starts = orderStarts;
            for (var k = 0; k < starts.Length; k++)
            {
                if (ticks >= starts[k])
                {
                    orderMask |= 1UL << k;
                }
            }
        }

        var f = Shape(c, o, flagMask, orderMask);

        // An upper bound of the line's length: the id escapes to at most 6 bytes a character, the rest is bounded.
        var allocationLength = allocation is { } al ? Text(al.Reason).Length + Text(al.ArrangementId ?? string.Empty).Length + Text(al.Destination).Length + 80 : 0;
        Reserve((c.Id.Length * 6) + f.Length + allocationLength + 128);
        var span = buffer.AsSpan(used);
        var at = 0;
        holeCount = 0;
        var start = 0;
        Put(span, ref at, "{\"id\":\""u8);
        start = at - 1;
        if (IsPlain(c.Id))
        {
            at += System.Text.Encoding.ASCII.GetBytes(c.Id, span[at..]);
        }
        else
        {
            Put(span, ref at, JsonEncodedText.Encode(c.Id, Encoder).EncodedUtf8Bytes);
        }

        Put(span, ref at, f.Head);
        Mark(markHoles, start, start + (at - start - f.Head.Length) + 1); // the id, with its quotes
        switch (o.Removal)
        {
            case RemovalPath.ContiguousReturn:
                Put(span, ref at, "\"MX\""u8);
                break;
            case RemovalPath.Removable or RemovalPath.Repatriation:
                start = at;
                span[at++] = (byte)'"';
                Put(span, ref at, Text(allocation!.Destination));
                span[at++] = (byte)'"';
                Mark(markHoles, start, at);
                break;
            default:
                Put(span, ref at, "null"u8);
                break;
        }

        Put(span, ref at, ",\"overflow\":"u8);
        start = at;
        Put(span, ref at, allocation?.Overflow == true ? "true"u8 : "false"u8);
        Mark(markHoles, start, at);
        Put(span, ref at, f.Removal);
        if (allocation is { } a)
        {
            Put(span, ref at, ",\"arrangementId\":"u8);
            start = at;
            if (a.ArrangementId is null)
            {
                Put(span, ref at, "null"u8);
            }
            else
            {
                span[at++] = (byte)'"';
                Put(span, ref at, Text(a.ArrangementId));
                span[at++] = (byte)'"';
            }

            Mark(markHoles, start, at);
            Put(span, ref at, ",\"reason\":"u8);
            start = at;
            span[at++] = (byte)'"';
            Put(span, ref at, Text(a.Reason));
            span[at++] = (byte)'"';
            Mark(markHoles, start, at);
            Put(span, ref at, ",\"ledgerMonth\":"u8);
            start = at;
            span[at++] = (byte)'"';
            at += WriteDigits(span[at..], a.Month.Year, 4);
            span[at++] = (byte)'-';
            at += WriteDigits(span[at..], a.Month.Month, 2);
            span[at++] = (byte)'"';
            Mark(markHoles, start, at);
        }

        Put(span, ref at, "},\"entry\":{\"statusDay\":\""u8);
        start = at - 1;
        at += WriteDate(span[at..], o.StatusDay);
        Mark(markHoles, start, at + 1);
        Put(span, ref at, f.Status);
        start = at - 1;
        at += WriteDate(span[at..], DecidedOn ?? c.EntryDateEastern);
        Mark(markHoles, start, at + 1);
        Put(span, ref at, shared ? f.SharedTail : f.Tail);
        return (f, at);
    }

    /// <summary>Records a per-case value's byte range [start, end) in the line being appended, for <see cref="Format"/>.</summary>
    private void Mark(bool markHoles, int start, int end)
    {
        if (markHoles)
        {
            holes[holeCount++] = start;
            holes[holeCount++] = end;
        }
    }

    /// <summary>Writes the buffered lines to the stream.</summary>
    public void Flush()
    {
        if (used > 0)
        {
            output.Write(buffer, 0, used);
            used = 0;
        }
    }

    public void Dispose() => Flush();

    private void Reserve(int length)
    {
        if (length > buffer.Length)
        {
            throw new InvalidOperationException($"a result line of up to {length} bytes does not fit the {buffer.Length}-byte line buffer");
        }

        if (buffer.Length - used < length)
        {
            Flush();
        }
    }

    private static void Put(Span<byte> span, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        at += bytes.Length;
    }

    /// <summary>Whether the text is printable ASCII that JSON writes unescaped.</summary>
    private static bool IsPlain(string text)
    {
        foreach (var ch in text)
        {
            if (ch is < (char)0x20 or > (char)0x7E or '"' or '\\')
            {
                return false;
            }
        }

        return true;
    }

    private static int WriteDigits(Span<byte> span, int value, int width)
    {
        if (value < 0 || value >= (width == 4 ? 10000 : 100))
        {
            var text = System.Text.Encoding.ASCII.GetBytes(value.ToString(width == 4 ? "0000" : "00", System.Globalization.CultureInfo.InvariantCulture));
            text.CopyTo(span);
            return text.Length;
        }

        for (var k = width - 1; k >= 0; k--)
        {
            span[k] = (byte)('0' + (value % 10));
            value /= 10;
        }

        return width;
    }

    private static int WriteDate(Span<byte> span, LocalDate date)
    {
        if (date.Year is < 1 or > 9999)
        {
            var text = System.Text.Encoding.UTF8.GetBytes(LocalDatePattern.Iso.Format(date));
            text.CopyTo(span);
            return text.Length;
        }

        WriteDigits(span, date.Year, 4);
        span[4] = (byte)'-';
        WriteDigits(span[5..], date.Month, 2);
        span[7] = (byte)'-';
        WriteDigits(span[8..], date.Day, 2);
        return 10;
    }

    /// <summary>A string's JSON-escaped UTF-8 (without quotes), cached by reference: the ledger shares its reason strings.</summary>
    private byte[] Text(string text)
    {
        if (!texts.TryGetValue(text, out var bytes))
        {
            if (texts.Count >= 100_000)
            {
                texts.Clear();
            }

            bytes = JsonEncodedText.Encode(text, Encoder).EncodedUtf8Bytes.ToArray();
            texts[text] = bytes;
        }

        return bytes;
    }

    private Fragments Shape(ScreeningCase c, ScreeningOutcome o, ulong flagMask, ulong orderMask)
    {
        // The compelling ground only shapes the line when the limitation is considered; a known ground is then o.GroundIndex.
        var unknownGround = o.LimitedBeforeRelief && o.GroundIndex < 0 && c.ExceptionallyCompelling is not null;
        var vacated = (ulong)(uint)o.Vacated;
        // A ground shown through a travelling family member adds a trace step: such lines take the general key.
        var familyRoute = o.LimitedBeforeRelief && o.GroundIndex >= 0 && c.Has(CaseFacts.CompellingThroughFamilyMember);
        if (!unknownGround && !familyRoute && o.CoveringGround <= 0 && o.DecisiveRule < 0xFFFF && o.GroundIndex < 0xFF && vacated < 0xFFFF && (uint)o.Status < 0xFF && (uint)o.Removal < 0xF && (uint)c.Place < 4)
        {
            var bits = unchecked(
                (ulong)(uint)o.Status
                | ((ulong)(uint)(o.DecisiveRule + 1) << 8)
                | ((ulong)(uint)(o.GroundIndex + 1) << 24)
                | (vacated << 32)
                | ((ulong)(uint)o.Removal << 48)
                | ((ulong)(uint)c.Place << 52)
                | (o.InPeriod ? 1UL << 54 : 0)
                | (o.CoveredPlace ? 1UL << 55 : 0)
                | (o.Excepted ? 1UL << 56 : 0)
                | (o.SuspensionApplies ? 1UL << 57 : 0)
                | (o.LimitedBeforeRelief ? 1UL << 58 : 0)
                | (o.AsylumLimitationApplies ? 1UL << 59 : 0)
                | (o.FearReferral ? 1UL << 60 : 0)
                | (c.Has(CaseFacts.ManifestsFear) ? 1UL << 61 : 0)
                | (o.ScreeningStandard is null ? 0 : 1UL << 62)
                | (o.CoveringGround == 0 ? 1UL << 63 : 0));
            var key = new PackedKey(o.HoldingRules, bits, flagMask, orderMask);
            if (!fragments.TryGetValue(key, out var f))
            {
                f = Build(screener.Screen(c), o);
                fragments[key] = f;
            }

            return f;
        }

        var shape = new ShapeKey(o with { StatusDay = default }, c.Place, o.LimitedBeforeRelief ? c.ExceptionallyCompelling : null, c.Has(CaseFacts.ManifestsFear), familyRoute, flagMask, orderMask);
        if (!unusual.TryGetValue(shape, out var u))
        {
            u = Build(screener.Screen(c), o);
            unusual[shape] = u;
        }

        return u;
    }

    private Fragments Build(ScreeningResult r, ScreeningOutcome o)
    {
        static byte[] Raw(object? value) => JsonSerializer.SerializeToUtf8Bytes(value, CaseDecisionJson.Compact);
        static byte[] Str(string? value) => value is null ? "null"u8.ToArray() : [(byte)'"', .. JsonEncodedText.Encode(value, Encoder).EncodedUtf8Bytes, (byte)'"'];
        static byte[] Bool(bool value) => value ? "true"u8.ToArray() : "false"u8.ToArray();
        byte[] head =
        [
            .. "\",\"policy\":\""u8, .. policy, .. "\",\"modeledEncounters\":"u8, .. Bool(screener.ModeledEncounters),
            .. ",\"suspensionApplies\":"u8, .. Bool(o.SuspensionApplies),
            .. ",\"exception\":"u8, .. Raw(r.Exception), .. ",\"exceptions\":"u8, .. Raw(r.Exceptions),
            .. ",\"asylumLimitationApplies\":"u8, .. Bool(o.AsylumLimitationApplies),
            .. ",\"exceptionallyCompelling\":"u8, .. Raw(r.ExceptionallyCompelling),
            .. ",\"fearReferral\":"u8, .. Bool(o.FearReferral), .. ",\"screeningStandard\":"u8, .. Str(o.ScreeningStandard),
            .. ",\"returnDestination\":"u8,
        ];
        byte[] removal = [.. ",\"removal\":{\"path\":"u8, .. Raw(r.Removal.Code())];
        byte[] status = [.. "\",\"status\":"u8, .. Str(ReplayReport.StatusName(o.Status)), .. "},\"decidedOn\":\""u8];
        var trace = Raw(r.Trace.Select(t => new { rule = t.Rule, held = t.Held, citation = ShortCitation(t.Citation) }));
        var traceId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(trace))[..12];
        byte[] traceMember = [.. ",\"trace\":"u8, .. trace];

        // The members after decidedOn: the same bytes inline and inside a shared explanation.
        byte[] members =
        [
            .. "\"flags\":"u8, .. Raw(r.Flags.Select(x => new { code = x.Code, citation = x.Citation.Text })),
            .. ",\"appliedOrders\":"u8, .. Raw(r.AppliedOrders.Select(x => x.Id)),
            .. ",\"laterOrders\":"u8, .. Raw(r.LaterOrders.Select(x => new { date = ReplayReport.Iso(x.Date), id = x.Id, fields = x.Fields, status = x.Citation.Status.Code() })),
            .. ",\"citations\":"u8, .. Raw(r.Citations.Select(x => x.Text)),
            .. ",\"traceId\":\""u8, .. System.Text.Encoding.ASCII.GetBytes(traceId), (byte)'"',
        ];
        byte[] tail = [.. "\","u8, .. members];
        byte[] explanation = [(byte)'{', .. members, .. traceMember, (byte)'}'];
        var explanationId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(explanation))[..12];
        if (!explanationIds.TryGetValue(explanationId, out var explanationIndex))
        {
            explanationIndex = explanationWritten.Count;
            explanationIds[explanationId] = explanationIndex;
            explanationWritten.Add(false);
        }

        byte[] sharedTail = [.. "\",\"explanationId\":\""u8, .. System.Text.Encoding.ASCII.GetBytes(explanationId), (byte)'"'];
        var f = new Fragments(head, removal, status, tail, traceMember)
        {
            ShapeIndex = shapes.Count,
            SharedTail = sharedTail,
            Explanation = [.. ",\"explanation\":"u8, .. explanation],
            ExplanationIndex = explanationIndex,
        };
        shapes.Add(f);
        return f;
    }

    /// <summary>The short form of a citation in trace entries: instrument, section and verification mark.</summary>
    public static string? ShortCitation(Citation? citation) => citation is null ? null
        : citation.Section.Length == 0 ? $"{citation.Instrument} [{citation.Status.Code()}]"
        : $"{citation.Instrument} {citation.Section} [{citation.Status.Code()}]";

    private readonly record struct ShapeKey(ScreeningOutcome Outcome, EntryPlace Place, string? Compelling, bool ManifestsFear, bool FamilyRoute, ulong Flags, ulong Orders);

    private readonly struct PackedKey(ulong holding, ulong bits, ulong flags, ulong orders) : IEquatable<PackedKey>
    {
        private readonly ulong holding = holding;
        private readonly ulong bits = bits;
        private readonly ulong flags = flags;
        private readonly ulong orders = orders;

        public bool Equals(PackedKey other) => holding == other.holding && bits == other.bits && flags == other.flags && orders == other.orders;

        public override bool Equals(object? obj) => obj is PackedKey other && Equals(other);

        public override int GetHashCode() => unchecked((int)(((holding * 0x9E3779B97F4A7C15UL) ^ (bits * 0xC2B2AE3D27D4EB4FUL) ^ (flags * 0x165667B19E3779F9UL) ^ (orders * 0x27D4EB2F165667C5UL)) >> 32));
    }

    private sealed class Fragments(byte[] head, byte[] removal, byte[] status, byte[] tail, byte[] trace)
    {
        /// <summary><c>,"trace":[…]</c>, written on every line or only on the first line with this trace.</summary>
        public byte[] Trace { get; } = trace;

        /// <summary>This shape's index in the writer's list (<see cref="FormattedDecision.ShapeIndex"/>).</summary>
        public required int ShapeIndex { get; init; }

        /// <summary><c>","explanationId":"…"</c>: a shared line's tail after its decidedOn date.</summary>
        public required byte[] SharedTail { get; init; }

        /// <summary><c>,"explanation":{…}</c>, written on the first shared line that uses it.</summary>
        public required byte[] Explanation { get; init; }

        public required int ExplanationIndex { get; init; }

        public byte[] Head { get; } = head;
        public byte[] Removal { get; } = removal;
        public byte[] Status { get; } = status;
        public byte[] Tail { get; } = tail;
        /// <summary>An upper bound of the shape's bytes on a line, in either mode.</summary>
        public int Length => Head.Length + Removal.Length + Status.Length + Tail.Length + Trace.Length + SharedTail.Length + Explanation.Length + 2;
    }
}

/// <summary>How a bulk JSONL file carries each case's trace.</summary>
public enum BulkTraceMode
{
    /// <summary>Every line carries its flags, applied orders, citations and full <c>trace[]</c>: each line stands alone.</summary>
    Inline,

    /// <summary>
    /// Every line names its explanation (flags, applied orders, citations, trace id and trace) by <c>explanationId</c>;
    /// the first line that uses an explanation also carries it whole as <c>explanation</c>.
    /// </summary>
    Shared,
}

/// <summary>
/// One case's bulk line (<see cref="CaseDecisionLineWriter.Format"/>). <see cref="Line"/> is the shared-mode JSON
/// object, which names its explanation by <c>explanationId</c>. The record stores the inline line split in two: the
/// outcome's <see cref="TemplateJson"/> (a JSON array of the text segments around the per-case values, shared by every
/// case of the same shape; <see cref="TemplateSha256"/> is its SHA-256) and <see cref="Values"/>, a JSON array of this
/// case's values after its id (return destination, overflow, the allocation's arrangement, reason and month, the
/// status day and the decision date, each as the raw JSON the line holds). <see cref="Inline"/> joins them back.
/// <see cref="ShapeIndex"/> identifies the outcome's shape to the writer that made the line.
/// </summary>
public sealed record FormattedDecision(string CaseId, string Line, int ShapeIndex, string TemplateSha256, string TemplateJson, string Values)
{
    /// <summary>The inline line (<c>screen --trace inline</c>), joined from the template, the id and the values.</summary>
    public string Inline => Join(CaseId, TemplateJson, Values);

    /// <summary>
    /// Joins a stored template, case id and values into the inline line: segment 0, the id as a JSON string
    /// (<see cref="CaseDecisionLineWriter.IdJson"/>), segment 1, value 0, segment 2, … the last segment.
    /// </summary>
    /// <exception cref="FormatException">The template or values are not JSON arrays, or their counts do not fit.</exception>
    public static string Join(string caseId, string templateJson, string values) => Join(caseId, Segments(templateJson), values);

    /// <summary>A stored template's segments (<see cref="TemplateJson"/>), parsed once for many <see cref="Join(string, IReadOnlyList{string}, string)"/> calls.</summary>
    /// <exception cref="FormatException">The template is not a JSON array of strings.</exception>
    public static IReadOnlyList<string> Segments(string templateJson)
    {
        ArgumentNullException.ThrowIfNull(templateJson);
        try
        {
            return JsonSerializer.Deserialize<string[]>(templateJson) ?? [];
        }
        catch (JsonException e)
        {
            throw new FormatException($"the output template is not a JSON array of strings: {e.Message}", e);
        }
    }

    /// <summary>Joins a template's parsed <paramref name="segments"/>, the case id and its values into the inline line.</summary>
    /// <exception cref="FormatException">The values are not a JSON array, or their count does not fit the segments.</exception>
    public static string Join(string caseId, IReadOnlyList<string> segments, string values)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(values);
        using var parsed = ParseValues(values);
        var items = parsed.RootElement;
        if (segments.Count != items.GetArrayLength() + 2)
        {
            throw new FormatException($"the output template has {segments.Count} segments for {items.GetArrayLength()} values and the id");
        }

        var text = new System.Text.StringBuilder(segments.Sum(s => s.Length) + values.Length + caseId.Length + 2);
        text.Append(segments[0]).Append(CaseDecisionLineWriter.IdJson(caseId));
        var k = 1;
        foreach (var value in items.EnumerateArray())
        {
            text.Append(segments[k++]).Append(value.GetRawText());
        }

        return text.Append(segments[k]).ToString();
    }

    private static JsonDocument ParseValues(string values)
    {
        try
        {
            var document = JsonDocument.Parse(values);
            if (document.RootElement.ValueKind == JsonValueKind.Array)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException e)
        {
            throw new FormatException($"the output values are not JSON: {e.Message}", e);
        }

        throw new FormatException("the output values are not a JSON array");
    }
}
