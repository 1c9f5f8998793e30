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
/// fields of the public contract plus <c>citations[]</c> (citation texts, each ending in its verification mark) and
/// <c>trace[]</c> (every rule considered: <c>rule</c> — the rule's label — <c>held</c> and <c>citation</c>). The rule
/// texts are in <c>threshold policies</c> and in single-case output.
/// The cases are decided on the fast path (<see cref="CaseScreener.Classify"/>); the citation and trace arrays
/// depend only on the outcome's shape, so they are built once per distinct shape and reused as raw JSON.
/// </summary>
public sealed class CaseDecisionLineWriter : IDisposable
{
    private readonly CaseScreener screener;
    private readonly ReturnsLedger ledger;
    private readonly Stream output;
    private readonly ArrayBufferWriter<byte> buffer = new(4096);
    private readonly Utf8JsonWriter json;
    private readonly Dictionary<ShapeKey, Fragments> fragments = [];
    private readonly Dictionary<LocalDate, JsonEncodedText> dates = [];
    private readonly (long From, long To)[] flagWindows;
    private readonly long[] orderStarts;
    private readonly JsonEncodedText policy;

    public CaseDecisionLineWriter(CaseScreener screener, ReturnsLedger ledger, Stream output, LocalDate? decidedOn)
    {
        this.screener = screener;
        this.ledger = ledger;
        this.output = output;
        DecidedOn = decidedOn;
        json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var rules = screener.Rules.Rules;
        flagWindows = rules.Flags.Select(f => (
            f.EntryFrom is { } from ? from.AtStartOfDayInZone(EasternTime.Zone).ToInstant().ToUnixTimeTicks() : long.MinValue,
            f.EntryTo is { } to ? to.PlusDays(1).AtStartOfDayInZone(EasternTime.Zone).ToInstant().ToUnixTimeTicks() : long.MaxValue)).ToArray();
        orderStarts = rules.CourtOrders.Select(o => o.Decided.AtStartOfDayInZone(EasternTime.Zone).ToInstant().ToUnixTimeTicks()).ToArray();
        policy = JsonEncodedText.Encode(screener.Rules.Policy.Id);
    }

    public LocalDate? DecidedOn { get; }

    /// <summary>Distinct outcome shapes seen so far (each built once with its full trace).</summary>
    public int Shapes => fragments.Count;

    /// <summary>Screens, allocates and writes one case as one line.</summary>
    public void Write(ScreeningCase c)
    {
        var o = screener.Classify(c);
        var ticks = c.EntryInstant.ToUnixTimeTicks();
        var flagMask = 0UL;
        for (var k = 0; k < flagWindows.Length; k++)
        {
            if (ticks >= flagWindows[k].From && ticks < flagWindows[k].To)
            {
                flagMask |= 1UL << k;
            }
        }

        var orderMask = 0UL;
        for (var k = 0; k < orderStarts.Length; k++)
        {
            if (DecidedOn is { } d ? screener.Rules.Rules.CourtOrders[k].Decided <= d : ticks >= orderStarts[k])
            {
                orderMask |= 1UL << k;
            }
        }

        var key = new ShapeKey(o with { StatusDay = default }, c.Place, c.ExceptionallyCompelling, c.Has(CaseFacts.ManifestsFear), flagMask, orderMask);
        if (!fragments.TryGetValue(key, out var f))
        {
            f = Build(screener.Screen(c));
            fragments[key] = f;
        }

        ReturnAllocation? allocation = o.Removal == RemovalPath.Removable
            ? ledger.Allocate(new ReturnRequest(c.Id, c.Citizenship, c.EntryInstant, c.Has(CaseFacts.UnaccompaniedChild)))
            : null;
        var destination = o.Removal switch
        {
            RemovalPath.ContiguousReturn => "MX",
            RemovalPath.Removable => allocation!.Destination,
            _ => null,
        };

        json.Reset();
        buffer.ResetWrittenCount();
        json.WriteStartObject();
        json.WriteString("id", c.Id);
        json.WriteString("policy", policy);
        json.WriteBoolean("suspensionApplies", o.SuspensionApplies);
        json.WritePropertyName("exception");
        json.WriteRawValue(f.Exception, skipInputValidation: true);
        json.WritePropertyName("exceptions");
        json.WriteRawValue(f.Exceptions, skipInputValidation: true);
        json.WriteBoolean("asylumLimitationApplies", o.AsylumLimitationApplies);
        json.WritePropertyName("exceptionallyCompelling");
        json.WriteRawValue(f.Compelling, skipInputValidation: true);
        json.WriteBoolean("fearReferral", o.FearReferral);
        if (o.ScreeningStandard is { } standard)
        {
            json.WriteString("screeningStandard", standard);
        }
        else
        {
            json.WriteNull("screeningStandard");
        }

        if (destination is null)
        {
            json.WriteNull("returnDestination");
        }
        else
        {
            json.WriteString("returnDestination", destination);
        }

        json.WriteBoolean("overflow", allocation?.Overflow ?? false);
        json.WriteStartObject("removal");
        json.WritePropertyName("path");
        json.WriteRawValue(f.RemovalPath, skipInputValidation: true);
        if (allocation is { } a)
        {
            if (a.ArrangementId is null)
            {
                json.WriteNull("arrangementId");
            }
            else
            {
                json.WriteString("arrangementId", a.ArrangementId);
            }

            json.WriteString("reason", a.Reason);
            json.WriteString("ledgerMonth", a.Month.ToString("yyyy-MM", null));
        }

        json.WriteEndObject();
        json.WriteStartObject("entry");
        json.WriteString("statusDay", Date(o.StatusDay));
        json.WriteString("status", ReplayReport.StatusName(o.Status));
        json.WriteEndObject();
        json.WriteString("decidedOn", Date(DecidedOn ?? c.EntryDateEastern));
        json.WritePropertyName("flags");
        json.WriteRawValue(f.Flags, skipInputValidation: true);
        json.WritePropertyName("appliedOrders");
        json.WriteRawValue(f.Orders, skipInputValidation: true);
        json.WritePropertyName("citations");
        json.WriteRawValue(f.Citations, skipInputValidation: true);
        json.WritePropertyName("trace");
        json.WriteRawValue(f.Trace, skipInputValidation: true);
        json.WriteEndObject();
        json.Flush();
        output.Write(buffer.WrittenSpan);
        output.WriteByte((byte)'\n');
    }

    public void Dispose() => json.Dispose();

    private JsonEncodedText Date(LocalDate date)
    {
        if (!dates.TryGetValue(date, out var text))
        {
            text = JsonEncodedText.Encode(LocalDatePattern.Iso.Format(date));
            dates[date] = text;
        }

        return text;
    }

    private static Fragments Build(ScreeningResult r)
    {
        static byte[] Raw(object? value) => JsonSerializer.SerializeToUtf8Bytes(value, CaseDecisionJson.Compact);
        return new Fragments(
            Raw(r.Exception),
            Raw(r.Exceptions),
            Raw(r.ExceptionallyCompelling),
            Raw(r.Removal switch { RemovalPath.Removable => "removable", RemovalPath.ContiguousReturn => "contiguous-return", _ => null }),
            Raw(r.Flags.Select(x => new { code = x.Code, citation = x.Citation.Text })),
            Raw(r.AppliedOrders.Select(x => x.Id)),
            Raw(r.Citations.Select(x => x.Text)),
            Raw(r.Trace.Select(t => new { rule = t.Rule, held = t.Held, citation = t.Citation?.Text })));
    }

    private readonly record struct ShapeKey(ScreeningOutcome Outcome, EntryPlace Place, string? Compelling, bool ManifestsFear, ulong Flags, ulong Orders);

    private sealed record Fragments(byte[] Exception, byte[] Exceptions, byte[] Compelling, byte[] RemovalPath, byte[] Flags, byte[] Orders, byte[] Citations, byte[] Trace);
}
