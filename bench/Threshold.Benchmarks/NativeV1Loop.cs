namespace Threshold.Benchmarks;

/// <summary>
/// The "tight native loop" reference of the performance requirement: Proclamation 10773's v1 rules hand-written over
/// one precomputed int[] of counted values, with nothing the engine has to be general about (no rule versions, no
/// policy data, no dates, no events beyond two counters). It lives only in the benchmarks and is never a second
/// implementation of the law: <see cref="ReplayBenchmarks"/> checks in its setup that both loops here yield exactly
/// the engine's statuses, determinations and transitions for the v1-only policy, so the ratio compares two
/// computations of the same thing.
/// <list type="bullet">
/// <item>Determination on day i reads the 7-day window ending on i − 1 (lag 1); none until that window is complete.</item>
/// <item>Active, nothing pending: window sum &lt; 1,500 × 7 → deactivation effective on i + 14.</item>
/// <item>Active, deactivation pending: window sum ≥ 2,500 × 7 cancels it.</item>
/// <item>Inactive, nothing pending: window sum ≥ 2,500 × 7 → activation effective on i + 1.</item>
/// </list>
/// Arithmetic is unchecked (the project turns overflow checking off): seven daily counts of an int[] cannot overflow a long.
/// </summary>
internal static class NativeV1Loop
{
    public const byte NotInForce = 0;
    public const byte Active = 1;
    public const byte Inactive = 2;

    private const int Window = 7;
    private const long DeactivateSum = 1500L * Window;
    private const long ActivateSum = 2500L * Window;
    private const int DeactivateEffectiveDays = 14;
    private const int ActivateEffectiveDays = 1;

    /// <summary>
    /// The baseline. One inner loop per state, each running over the days on which nothing but the window sum
    /// changes (about 1 ns a day here, the figure the requirement quotes). Writes each day's status (0 not in force,
    /// 1 active, 2 inactive); returns determinations × 65,536 + transitions.
    /// </summary>
    public static int Run(ReadOnlySpan<int> counted, Span<byte> status, int inForceIndex)
    {
        var n = counted.Length;
        var first = Math.Max(0, inForceIndex);
        var warm = Math.Max(first, Window); // first day whose determination reads a complete window
        status[..Math.Min(first, n)].Clear(); // NotInForce
        status[Math.Min(first, n)..Math.Min(warm, n)].Fill(Active);
        long sum = 0; // window ending on i − 2 at the top of day i, i.e. before the day's update
        for (var d = Math.Max(0, warm - 1 - Window); d < warm - 1 && d < n; d++)
        {
            sum += counted[d];
        }

        var active = true;
        var pendingDeactivation = -1;
        var pendingActivation = -1;
        var determinations = 0;
        var transitions = 0;
        var i = warm;
        while (i < n)
        {
            if (active && pendingDeactivation < 0)
            {
                for (; i < n; i++)
                {
                    sum += counted[i - 1] - (i > Window ? counted[i - 1 - Window] : 0);
                    status[i] = Active;
                    if (sum < DeactivateSum)
                    {
                        pendingDeactivation = i + DeactivateEffectiveDays;
                        determinations++;
                        i++;
                        break;
                    }
                }
            }
            else if (active)
            {
                for (; i < n; i++)
                {
                    if (i == pendingDeactivation)
                    {
                        pendingDeactivation = -1;
                        active = false;
                        transitions++;
                        break; // the day continues as inactive
                    }

                    sum += counted[i - 1] - (i > Window ? counted[i - 1 - Window] : 0);
                    status[i] = Active;
                    if (sum >= ActivateSum)
                    {
                        pendingDeactivation = -1;
                        determinations++;
                        i++;
                        break;
                    }
                }
            }
            else
            {
                for (; i < n; i++)
                {
                    if (i == pendingActivation)
                    {
                        pendingActivation = -1;
                        active = true;
                        transitions++;
                        break; // the day continues as active
                    }

                    sum += counted[i - 1] - (i > Window ? counted[i - 1 - Window] : 0);
                    status[i] = Inactive;
                    if (pendingActivation < 0 && sum >= ActivateSum)
                    {
                        pendingActivation = i + ActivateEffectiveDays;
                        determinations++;
                    }
                }
            }
        }

        return (determinations << 16) + transitions;
    }

    /// <summary>
    /// The same rules as one loop with one pass through the state machine per day, the way the engine is written;
    /// shown for scale next to <see cref="Run"/>.
    /// </summary>
    public static int RunSimple(ReadOnlySpan<int> counted, Span<byte> status, int inForceIndex)
    {
        var n = counted.Length;
        var first = Math.Max(0, inForceIndex);
        status[..Math.Min(first, n)].Clear(); // NotInForce
        var active = true;
        var pendingDeactivation = -1;
        var pendingActivation = -1;
        var determinations = 0;
        var transitions = 0;
        long sum = 0; // window ending on i − 1 once day i has updated it
        for (var d = Math.Max(0, first - 1 - Window); d < first - 1 && d < n; d++)
        {
            sum += counted[d];
        }

        for (var i = first; i < n; i++)
        {
            if (i >= 1)
            {
                sum += counted[i - 1];
                if (i - 1 - Window >= 0)
                {
                    sum -= counted[i - 1 - Window];
                }
            }

            if (i == pendingDeactivation)
            {
                pendingDeactivation = -1;
                if (active)
                {
                    active = false;
                    transitions++;
                }
            }

            if (i == pendingActivation)
            {
                pendingActivation = -1;
                if (!active)
                {
                    active = true;
                    transitions++;
                }
            }

            status[i] = active ? Active : Inactive;
            if (i - 1 < Window - 1)
            {
                continue; // window incomplete
            }

            if (active)
            {
                if (pendingDeactivation < 0)
                {
                    if (sum < DeactivateSum)
                    {
                        pendingDeactivation = i + DeactivateEffectiveDays;
                        determinations++;
                    }
                }
                else if (sum >= ActivateSum)
                {
                    pendingDeactivation = -1;
                    determinations++;
                }
            }
            else if (pendingActivation < 0 && sum >= ActivateSum)
            {
                pendingActivation = i + ActivateEffectiveDays;
                determinations++;
            }
        }

        return (determinations << 16) + transitions;
    }
}
