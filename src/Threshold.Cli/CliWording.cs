using Threshold.Engine;

namespace Threshold.Cli;

/// <summary>
/// The CLI's words for the engine's typed what-ifs: its flags. Errors read "--set deactivate.threshold=abc: …" and
/// overlay labels "--set deactivate.threshold=2000", as the user typed them.
/// </summary>
internal sealed class CliWording : WhatIfWording
{
    public static CliWording Instance { get; } = new();

    private CliWording()
    {
    }

    public override string Name(WhatIfOption whatIf) => whatIf switch
    {
        WhatIfOption.Set => "--set",
        WhatIfOption.InForce => "--in-force",
        WhatIfOption.CourtOrder => "--court-order",
        WhatIfOption.DeterminationLag => "--determination-lag",
        WhatIfOption.Determination => "--determination",
        WhatIfOption.Date => "--date",
        WhatIfOption.WithoutOrder => "--without-order",
        WhatIfOption.AllowGaps => "--allow-gaps",
        _ => throw new ArgumentOutOfRangeException(nameof(whatIf), whatIf, "not a what-if option"),
    };

    public override string Usage(WhatIfOption whatIf) => whatIf switch
    {
        WhatIfOption.Set => "--set NAME=VALUE",
        WhatIfOption.InForce => "--in-force DATE",
        WhatIfOption.CourtOrder => "--court-order ID=DATE",
        WhatIfOption.DeterminationLag => "--determination-lag DAYS",
        WhatIfOption.Determination => "--determination DATE=active|inactive",
        WhatIfOption.Date => "--date DATE",
        WhatIfOption.WithoutOrder => "--without-order ID",
        WhatIfOption.AllowGaps => "--allow-gaps",
        _ => throw new ArgumentOutOfRangeException(nameof(whatIf), whatIf, "not a what-if option"),
    };
}
