using NodaTime;

namespace Threshold.Population;

/// <summary>
/// The explicit table from the OHSS KHSM citizenship names to ISO 3166-1 alpha-2 codes, the names that have no
/// officially assigned code (left out of the draw: see <see cref="Residual"/>), and the dated Visa Waiver Program list.
/// </summary>
public static class CountryCodes
{
    /// <summary>Mexico, the contiguous country at the southwest border (unaccompanied children from Mexico are "contiguous").</summary>
    public const string Mexico = "MX";

    /// <summary>Canada, the other contiguous country (the UC file counts its rare Canadians in "Other"; never drawn as a non-contiguous UC).</summary>
    public const string Canada = "CA";

    /// <summary>The citizenship given to a synthetic noncitizen national of the United States (the <c>usNational</c> fact).</summary>
    public const string UnitedStates = "US";

    /// <summary>
    /// KHSM names with no officially assigned ISO 3166-1 alpha-2 code. Their encounters are left out of the mix and the
    /// remaining nationalities rescaled, i.e. spread over the known nationalities in proportion to their counts (never
    /// written as a made-up code such as "XX"): "Unknown" (no citizenship recorded); "Kosovo" (XK is only a
    /// user-assigned code, not part of ISO 3166-1); "Serbia and Montenegro (former)" (CS was withdrawn in 2006; FY2007–2009 rows only).
    /// </summary>
    public static readonly IReadOnlySet<string> Residual = new HashSet<string>(StringComparer.Ordinal)
    {
        "Unknown",
        "Kosovo",
        "Serbia and Montenegro (former)",
    };

    /// <summary>Every KHSM citizenship name (file <c>usbp_khsm_monthly_region_citizenship_fy2000_fy2025nov.csv</c>) with its ISO 3166-1 alpha-2 code.</summary>
    public static readonly IReadOnlyDictionary<string, string> ByKhsmName = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Afghanistan"] = "AF", ["Albania"] = "AL", ["Algeria"] = "DZ", ["Angola"] = "AO", ["Antigua and Barbuda"] = "AG",
        ["Argentina"] = "AR", ["Armenia"] = "AM", ["Australia"] = "AU", ["Azerbaijan"] = "AZ", ["Bahamas"] = "BS",
        ["Bangladesh"] = "BD", ["Belarus"] = "BY", ["Belize"] = "BZ", ["Benin"] = "BJ", ["Bhutan"] = "BT",
        ["Bolivia"] = "BO", ["Brazil"] = "BR", ["Bulgaria"] = "BG", ["Burkina Faso"] = "BF", ["Burma"] = "MM",
        ["Burundi"] = "BI", ["Cambodia"] = "KH", ["Cameroon"] = "CM", ["Canada"] = "CA", ["Chad"] = "TD",
        ["Chile"] = "CL", ["China, People's Republic"] = "CN", ["Colombia"] = "CO", ["Congo, Democratic Republic"] = "CD", ["Congo, Republic"] = "CG",
        ["Costa Rica"] = "CR", ["Cote d'Ivoire"] = "CI", ["Cuba"] = "CU", ["Czechia"] = "CZ", ["Djibouti"] = "DJ",
        ["Dominica"] = "DM", ["Dominican Republic"] = "DO", ["Ecuador"] = "EC", ["Egypt"] = "EG", ["El Salvador"] = "SV",
        ["Equatorial Guinea"] = "GQ", ["Eritrea"] = "ER", ["Ethiopia"] = "ET", ["France"] = "FR", ["Gambia"] = "GM",
        ["Georgia"] = "GE", ["Germany"] = "DE", ["Ghana"] = "GH", ["Greece"] = "GR", ["Guatemala"] = "GT",
        ["Guinea"] = "GN", ["Guinea-Bissau"] = "GW", ["Guyana"] = "GY", ["Haiti"] = "HT", ["Honduras"] = "HN",
        ["Hungary"] = "HU", ["India"] = "IN", ["Indonesia"] = "ID", ["Iran"] = "IR", ["Iraq"] = "IQ",
        ["Ireland"] = "IE", ["Israel"] = "IL", ["Italy"] = "IT", ["Jamaica"] = "JM", ["Japan"] = "JP",
        ["Jordan"] = "JO", ["Kazakhstan"] = "KZ", ["Kenya"] = "KE", ["Korea, South"] = "KR", ["Kyrgyzstan"] = "KG",
        ["Laos"] = "LA", ["Lebanon"] = "LB", ["Liberia"] = "LR", ["Lithuania"] = "LT", ["Malaysia"] = "MY",
        ["Mali"] = "ML", ["Mauritania"] = "MR", ["Mauritius"] = "MU", ["Mexico"] = "MX", ["Moldova"] = "MD",
        ["Mongolia"] = "MN", ["Morocco"] = "MA", ["Mozambique"] = "MZ", ["Nepal"] = "NP", ["Netherlands"] = "NL",
        ["New Zealand"] = "NZ", ["Nicaragua"] = "NI", ["Niger"] = "NE", ["Nigeria"] = "NG", ["North Macedonia"] = "MK",
        ["Pakistan"] = "PK", ["Panama"] = "PA", ["Paraguay"] = "PY", ["Peru"] = "PE", ["Philippines"] = "PH",
        ["Poland"] = "PL", ["Portugal"] = "PT", ["Qatar"] = "QA", ["Romania"] = "RO", ["Russia"] = "RU",
        ["Rwanda"] = "RW", ["Saudi Arabia"] = "SA", ["Senegal"] = "SN", ["Serbia"] = "RS", ["Sierra Leone"] = "SL",
        ["Slovakia"] = "SK", ["Somalia"] = "SO", ["South Africa"] = "ZA", ["Spain"] = "ES", ["Sri Lanka"] = "LK",
        ["Sudan"] = "SD", ["Suriname"] = "SR", ["Sweden"] = "SE", ["Syria"] = "SY", ["Taiwan"] = "TW",
        ["Tajikistan"] = "TJ", ["Tanzania"] = "TZ", ["Thailand"] = "TH", ["Togo"] = "TG", ["Trinidad and Tobago"] = "TT",
        ["Tunisia"] = "TN", ["Turkey"] = "TR", ["Turkmenistan"] = "TM", ["Uganda"] = "UG", ["Ukraine"] = "UA",
        ["United Kingdom"] = "GB", ["Uruguay"] = "UY", ["Uzbekistan"] = "UZ", ["Venezuela"] = "VE", ["Vietnam"] = "VN",
        ["Yemen"] = "YE", ["Zimbabwe"] = "ZW",
    };

    /// <summary>
    /// The CBP "Citizenship Grouping" names of <c>cbp_sbo_encounters_fy22_fy25_aug.csv</c> that are single countries; the
    /// fifth grouping, "Other", is every other nationality.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ByCbpGrouping = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Mexico"] = "MX",
        ["El Salvador"] = "SV",
        ["Guatemala"] = "GT",
        ["Honduras"] = "HN",
    };

    /// <summary>
    /// Visa Waiver Program countries among the KHSM names, with the first day their nationals could travel under it
    /// (null: a member throughout the supported months, October 2021 on). Source: DHS's list of designated countries [V-off];
    /// the Israel (2023-10-19) and Qatar (2024-12-01) dates are as reported [S]. Assumption [U]: no other change.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, LocalDate?> VisaWaiver = new Dictionary<string, LocalDate?>(StringComparer.Ordinal)
    {
        ["AU"] = null, ["CL"] = null, ["CZ"] = null, ["DE"] = null, ["ES"] = null, ["FR"] = null, ["GB"] = null,
        ["GR"] = null, ["HU"] = null, ["IE"] = null, ["IT"] = null, ["JP"] = null, ["KR"] = null, ["LT"] = null,
        ["NL"] = null, ["NZ"] = null, ["PL"] = null, ["PT"] = null, ["SE"] = null, ["SK"] = null, ["TW"] = null,
        ["IL"] = new LocalDate(2023, 10, 19),
        ["QA"] = new LocalDate(2024, 12, 1),
    };

    /// <summary>Whether a national of <paramref name="code"/> could travel under the Visa Waiver Program on <paramref name="date"/>.</summary>
    public static bool IsVisaWaiver(string code, LocalDate date) =>
        VisaWaiver.TryGetValue(code, out var from) && (from is null || date >= from.Value);
}
