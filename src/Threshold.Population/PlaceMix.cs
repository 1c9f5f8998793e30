using Threshold.Screening;

namespace Threshold.Population;

/// <summary>A nationality (ISO 3166-1 alpha-2) and its share of a distribution.</summary>
public sealed record NationalityShare(string Code, double Share);

/// <summary>
/// The real mix at one place of entry: the place's share of all cases, its nationality mix, its family status mix and
/// the Mexican (contiguous) share of its unaccompanied children. The draw keeps the place's nationality mix overall:
/// unaccompanied children are Mexican with <see cref="UcMexicoShare"/> and otherwise follow the non-contiguous
/// nationalities in proportion; everyone else follows what remains (<see cref="NotUc"/>).
/// </summary>
public sealed class PlaceMix
{
    internal PlaceMix(EntryPlace place, double share, IReadOnlyList<NationalityShare> nationalities, double singleAdults, double unaccompaniedChildren, double familyUnits, double? ucMexicoShare)
    {
        Place = place;
        Share = share;
        Nationalities = nationalities;
        var family = singleAdults + unaccompaniedChildren + familyUnits;
        SingleAdultShare = singleAdults / family;
        UnaccompaniedChildShare = unaccompaniedChildren / family;
        FamilyUnitShare = familyUnits / family;

        var mexico = nationalities.Where(n => n.Code == CountryCodes.Mexico).Sum(n => n.Share);
        var noncontiguous = nationalities.Where(n => n.Code is not (CountryCodes.Mexico or CountryCodes.Canada) && n.Share > 0).ToArray();
        var noncontiguousTotal = noncontiguous.Sum(n => n.Share);
        // Without a figure, unaccompanied children follow the place's own mix (Mexico against the non-contiguous countries).
        var m = ucMexicoShare ?? (mexico + noncontiguousTotal > 0 ? mexico / (mexico + noncontiguousTotal) : 1.0);
        if (noncontiguousTotal <= 0)
        {
            m = 1.0;
        }

        UcMexicoShare = m;
        UcNoncontiguous = noncontiguousTotal > 0 ? noncontiguous.Select(n => n.With(n.Share / noncontiguousTotal)).ToArray() : [];

        // Everyone else: p(c) minus the unaccompanied children's part, rescaled. A negative remainder (sources that
        // disagree within rounding) is set to zero and reported.
        var u = UnaccompaniedChildShare;
        if (u >= 1)
        {
            NotUc = nationalities;
            return;
        }

        var rest = nationalities.Select(n =>
        {
            var ucPart = n.Code == CountryCodes.Mexico ? m : n.Code == CountryCodes.Canada ? 0 : noncontiguousTotal > 0 ? (1 - m) * n.Share / noncontiguousTotal : 0;
            return (n.Code, Share: (n.Share - (u * ucPart)) / (1 - u));
        }).ToArray();
        ClampedShare = -rest.Where(r => r.Share < 0).Sum(r => r.Share);
        var total = rest.Sum(r => Math.Max(0, r.Share));
        NotUc = rest.Select(r => new NationalityShare(r.Code, Math.Max(0, r.Share) / total)).OrderByDescending(n => n.Share).ThenBy(n => n.Code, StringComparer.Ordinal).ToArray();
    }

    /// <summary>A place's mix exactly as derived before, every figure given (the simulator's cache of its inputs).</summary>
    internal PlaceMix(EntryPlace place, double share, IReadOnlyList<NationalityShare> nationalities, double singleAdultShare, double unaccompaniedChildShare, double familyUnitShare, double ucMexicoShare, IReadOnlyList<NationalityShare> ucNoncontiguous, IReadOnlyList<NationalityShare> notUc, double clampedShare)
    {
        Place = place;
        Share = share;
        Nationalities = nationalities;
        SingleAdultShare = singleAdultShare;
        UnaccompaniedChildShare = unaccompaniedChildShare;
        FamilyUnitShare = familyUnitShare;
        UcMexicoShare = ucMexicoShare;
        UcNoncontiguous = ucNoncontiguous;
        NotUc = notUc;
        ClampedShare = clampedShare;
    }

    public EntryPlace Place { get; }

    /// <summary>This place's share of all cases.</summary>
    public double Share { get; }

    /// <summary>The nationality mix of every case at this place, by falling share.</summary>
    public IReadOnlyList<NationalityShare> Nationalities { get; }

    public double SingleAdultShare { get; }

    public double UnaccompaniedChildShare { get; }

    public double FamilyUnitShare { get; }

    /// <summary>The share of this place's unaccompanied children who are Mexican (contiguous).</summary>
    public double UcMexicoShare { get; }

    /// <summary>The nationalities of the non-Mexican unaccompanied children (every nationality but MX and CA, in proportion).</summary>
    public IReadOnlyList<NationalityShare> UcNoncontiguous { get; }

    /// <summary>The nationalities of everyone who is not an unaccompanied child, chosen so the place's overall mix is kept.</summary>
    public IReadOnlyList<NationalityShare> NotUc { get; }

    /// <summary>The share of the mix lost where the unaccompanied children's part exceeded a nationality's share (0 when the sources agree).</summary>
    public double ClampedShare { get; }
}

internal static class NationalityShareExtensions
{
    public static NationalityShare With(this NationalityShare n, double share) => n with { Share = share };
}
