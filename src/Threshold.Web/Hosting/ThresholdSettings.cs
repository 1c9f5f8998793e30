namespace Threshold.Web.Hosting;

/// <summary>
/// The server's settings, bound from the <c>Threshold</c> configuration section (appsettings, environment variables
/// such as <c>Threshold__AllowAnonymousRead</c>, or <c>--Threshold:Name=value</c> on the command line).
/// </summary>
public sealed record ThresholdSettings
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Threshold";

    /// <summary>The address served when none is configured: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>Folder of the embedded SQLite record; null means <c>$THRESHOLD_DATA_DIR</c>, else <c>./.threshold-data</c>.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// Npgsql connection string of a shared PostgreSQL record; null means <c>$THRESHOLD_DATABASE</c>, else the embedded
    /// SQLite record in <see cref="DataDirectory"/>. Several servers may share one PostgreSQL record.
    /// </summary>
    public string? Database { get; init; }

    /// <summary>
    /// Whether requests without a key or token may read. It takes effect only while every bound address is loopback;
    /// bound to any other address, every request needs a key or a token whatever this says.
    /// </summary>
    public bool AllowAnonymousRead { get; init; } = true;

    /// <summary>
    /// Return-arrangement YAML files added to the built-ins in <c>law/arrangements/</c> (a new nationality list or cap),
    /// as the CLI's <c>--arrangements</c>. Every server sharing one record must use the same arrangements.
    /// </summary>
    public IReadOnlyList<string> ArrangementFiles { get; init; } = [];

    /// <summary>Import the bundled MODELED daily series on start when the record holds no series yet.</summary>
    public bool ImportBundledSeries { get; init; } = true;

    /// <summary>Requests per second allowed to one client (API key, token subject or remote address).</summary>
    public int RequestsPerSecondPerClient { get; init; } = 5000;

    /// <summary>
    /// Seconds between re-checks of an open dashboard connection's API key: a key revoked, or whose role changed, while
    /// a page is open signs that page out within this time (a new request is checked at once). Values under 1 count as 1.
    /// </summary>
    public int DashboardKeyRecheckSeconds { get; init; } = 30;

    /// <summary>Largest request body accepted, in bytes (bulk screening and CSV uploads).</summary>
    public long MaxRequestBodyBytes { get; init; } = 256L << 20;

    /// <summary>Most paths one simulation request may run (its scenario's <c>paths</c> or the <c>paths</c> override).</summary>
    public int SimulationMaxPaths { get; init; } = 10_000;

    /// <summary>Longest horizon one simulation request may run, in days (3 years, leap day included).</summary>
    public int SimulationMaxHorizonDays { get; init; } = 1_096;

    /// <summary>Most paths per swing of a simulation's sensitivity table (each parameter runs twice).</summary>
    public int SimulationMaxSensitivityPaths { get; init; } = 500;

    /// <summary>
    /// The most simulation work one analyst's request may ask for, as paths × horizon days × policies (sensitivity
    /// swings count their paths too). The bundled baseline-2024 costs 6,570,000, or 26,280,000 with its sensitivity table.
    /// </summary>
    public long SimulationMaxCostAnalyst { get; init; } = 30_000_000;

    /// <summary>The same cap for operators (<see cref="SimulationMaxCostAnalyst"/>).</summary>
    public long SimulationMaxCostOperator { get; init; } = 60_000_000;

    /// <summary>The same cap for admins (<see cref="SimulationMaxCostAnalyst"/>).</summary>
    public long SimulationMaxCostAdmin { get; init; } = 120_000_000;

    /// <summary>
    /// Heavy jobs (simulations, audit verification and export, bulk screening with <c>record=true</c>) running at once
    /// across all callers; 0 means the number of cores. Simulations and verifications also run one at a time each.
    /// </summary>
    public int HeavyJobConcurrency { get; init; }

    /// <summary>Heavy jobs one caller may have waiting behind its one running job; more is a 429.</summary>
    public int HeavyJobQueuePerCaller { get; init; } = 2;

    /// <summary>Heavy jobs waiting across all callers; more is a 429.</summary>
    public int HeavyJobQueueTotal { get; init; } = 64;

    /// <summary>Folder of the real monthly CBP/OHSS files the simulator is calibrated to; null finds <c>data/source</c> above the server.</summary>
    public string? SimulationSourceDirectory { get; init; }

    /// <summary>OpenTelemetry metrics export: the Prometheus scrape endpoint, off by default.</summary>
    public MetricsSettings Metrics { get; init; } = new();

    /// <summary>Optional OpenID Connect / JWT bearer validation; off unless <see cref="JwtSettings.Authority"/> or a signing key is set.</summary>
    public JwtSettings Jwt { get; init; } = new();

    /// <summary>The PostgreSQL connection string in effect, or null for SQLite, resolved as the CLI does.</summary>
    public string? ResolveDatabase() =>
        Database is { Length: > 0 } database ? database
        : DataDirectory is null && Environment.GetEnvironmentVariable("THRESHOLD_DATABASE") is { Length: > 0 } env ? env
        : null;

    /// <summary>The data directory in effect, resolved as the CLI does.</summary>
    public string ResolveDataDirectory() =>
        DataDirectory is { Length: > 0 } dir ? dir
        : Environment.GetEnvironmentVariable("THRESHOLD_DATA_DIR") is { Length: > 0 } env ? env
        : ".threshold-data";
}

/// <summary>Bearer-token settings for organisations with an identity provider.</summary>
public sealed record JwtSettings
{
    /// <summary>The OpenID Connect issuer (its discovery document gives the signing keys).</summary>
    public string? Authority { get; init; }

    /// <summary>The audience tokens must name.</summary>
    public string? Audience { get; init; }

    /// <summary>The claim holding the Threshold role (viewer, analyst, operator or admin).</summary>
    public string RoleClaim { get; init; } = "threshold_role";

    /// <summary>A symmetric signing key (base64), for deployments that issue their own tokens; used when there is no authority.</summary>
    public string? SigningKey { get; init; }

    /// <summary>The issuer tokens must name when <see cref="SigningKey"/> is used.</summary>
    public string? Issuer { get; init; }

    /// <summary>Whether bearer tokens are accepted at all.</summary>
    public bool Enabled => Authority is { Length: > 0 } || SigningKey is { Length: > 0 };
}
