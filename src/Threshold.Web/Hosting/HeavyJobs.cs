using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Threshold.Web.Hosting;

/// <summary>The kinds of heavy job, each with its own limit on how many run at once.</summary>
public enum HeavyLane
{
    /// <summary>A Monte Carlo run: each already uses every core, so one at a time.</summary>
    Simulation,

    /// <summary>Audit verification (and export, which verifies first): reads the whole record, so one at a time.</summary>
    Verify,

    /// <summary>Bulk screening with <c>record=true</c>: writers take turns on the record's write lock anyway.</summary>
    Record,
}

/// <summary>
/// A bounded, fair queue for the requests that can hold the server for seconds or minutes. Each caller (API key,
/// signed-in name, else address) has at most one job running and <see cref="ThresholdSettings.HeavyJobQueuePerCaller"/>
/// waiting; at most <see cref="ThresholdSettings.HeavyJobQueueTotal"/> wait in all; at most the number of cores run
/// (<see cref="ThresholdSettings.HeavyJobConcurrency"/>), and one simulation and one verification at a time. A freed slot
/// goes to the callers in turn (round robin), so one caller's backlog never starves another. A job that does not fit
/// is refused at once with 429 and <c>Retry-After</c> rather than held.
/// </summary>
public sealed class HeavyJobs
{
    /// <summary>Seconds a refused caller is told to wait: about one short job.</summary>
    public const int RetryAfterSeconds = 5;

    private readonly object gate = new();
    private readonly Dictionary<string, Caller> callers = new(StringComparer.Ordinal);
    private readonly LinkedList<Caller> turns = new(); // callers with a job waiting, next to be served first
    private readonly int[] runningByLane = new int[Enum.GetValues<HeavyLane>().Length];
    private readonly int concurrency;
    private readonly int perCaller;
    private readonly int total;
    private int running;
    private int waiting;

    public HeavyJobs(ThresholdSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        concurrency = settings.HeavyJobConcurrency > 0 ? settings.HeavyJobConcurrency : Environment.ProcessorCount;
        perCaller = Math.Max(0, settings.HeavyJobQueuePerCaller);
        total = Math.Max(0, settings.HeavyJobQueueTotal);
    }

    /// <summary>Jobs running now, for tests and diagnostics.</summary>
    public int Running
    {
        get
        {
            lock (gate)
            {
                return running;
            }
        }
    }

    /// <summary>Jobs waiting now, for tests and diagnostics.</summary>
    public int Waiting
    {
        get
        {
            lock (gate)
            {
                return waiting;
            }
        }
    }

    /// <summary>
    /// Waits for a turn for <paramref name="caller"/>'s job; null when it does not fit in the queue (answer 429). Dispose
    /// the lease when the job ends. Cancelling while waiting leaves the queue.
    /// </summary>
    public async Task<IDisposable?> EnterAsync(HeavyLane lane, string caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Waiter waiter;
        Caller? state;
        lock (gate)
        {
            if (!callers.TryGetValue(caller, out state))
            {
                state = new Caller(caller);
                callers[caller] = state;
            }

            if (state.Running == 0 && state.Waiting.Count == 0 && CanRun(lane))
            {
                Start(state, lane);
                return new Lease(this, state, lane);
            }

            if (state.Waiting.Count >= perCaller || waiting >= total)
            {
                Forget(state);
                return null;
            }

            waiter = new Waiter(lane);
            state.Waiting.AddLast(waiter);
            waiting++;
            if (state.Turn is null)
            {
                state.Turn = turns.AddLast(state);
            }
        }

        using (cancellationToken.Register(() => Abandon(caller, waiter)))
        {
            await waiter.Granted.Task.ConfigureAwait(false);
        }

        return new Lease(this, state, lane);
    }

    /// <summary>Writes the 429 ProblemDetails (with <c>Retry-After</c>) for a job the queue cannot take.</summary>
    public static Task RefuseAsync(HttpContext context, HeavyLane lane)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many heavy requests are waiting.",
            Detail = $"This caller already has a {Describe(lane)} or other heavy job running and the most it may queue waiting, or the server's queue is full; retry after {RetryAfterSeconds} s.",
        };
        problem.Extensions["lane"] = lane.ToString().ToLowerInvariant();
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }

    private static string Describe(HeavyLane lane) => lane switch
    {
        HeavyLane.Simulation => "simulation",
        HeavyLane.Verify => "audit verification",
        _ => "recorded bulk screening",
    };

    private bool CanRun(HeavyLane lane) =>
        running < concurrency && (lane == HeavyLane.Record || runningByLane[(int)lane] == 0);

    private void Start(Caller state, HeavyLane lane)
    {
        state.Running++;
        running++;
        runningByLane[(int)lane]++;
    }

    private void Release(Caller state, HeavyLane lane)
    {
        lock (gate)
        {
            state.Running--;
            running--;
            runningByLane[(int)lane]--;
            if (state.Turn is not null)
            {
                // It has just had a turn: the others go first.
                turns.Remove(state.Turn);
                state.Turn = turns.AddLast(state);
            }

            Dispatch();
            Forget(state);
        }
    }

    /// <summary>Starts waiting jobs while there is room, visiting callers in turn; a caller served goes to the back.</summary>
    private void Dispatch()
    {
        var node = turns.First;
        while (node is not null && running < concurrency)
        {
            var next = node.Next;
            var state = node.Value;
            if (state.Running == 0 && state.Waiting.First is { } first && CanRun(first.Value.Lane))
            {
                state.Waiting.RemoveFirst();
                waiting--;
                Start(state, first.Value.Lane);
                turns.Remove(node);
                state.Turn = state.Waiting.Count > 0 ? turns.AddLast(state) : null;
                first.Value.Granted.TrySetResult();
            }

            node = next;
        }
    }

    private void Abandon(string caller, Waiter waiter)
    {
        lock (gate)
        {
            if (callers.TryGetValue(caller, out var state) && state.Waiting.Remove(waiter))
            {
                waiting--;
                if (state.Waiting.Count == 0 && state.Turn is not null)
                {
                    turns.Remove(state.Turn);
                    state.Turn = null;
                }

                waiter.Granted.TrySetCanceled();
                Forget(state);
            }
        }
    }

    /// <summary>Drops an idle caller, so the table holds only callers with work.</summary>
    private void Forget(Caller state)
    {
        if (state.Running == 0 && state.Waiting.Count == 0)
        {
            callers.Remove(state.Name);
        }
    }

    private sealed class Caller(string name)
    {
        public string Name { get; } = name;

        public int Running { get; set; }

        public LinkedList<Waiter> Waiting { get; } = new();

        public LinkedListNode<Caller>? Turn { get; set; }
    }

    private sealed class Waiter(HeavyLane lane)
    {
        public HeavyLane Lane { get; } = lane;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Lease(HeavyJobs owner, Caller state, HeavyLane lane) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Release(state, lane);
            }
        }
    }
}

/// <summary>Puts an endpoint's work under <see cref="HeavyJobs"/>.</summary>
public static class HeavyJobEndpoints
{
    /// <summary>
    /// Runs the endpoint (its response included, for a streamed one) as a heavy job of <paramref name="lane"/> for the
    /// calling client; a full queue is a 429. <paramref name="when"/> limits it to some requests (bulk screening that
    /// records).
    /// </summary>
    public static TBuilder QueuedAs<TBuilder>(this TBuilder builder, HeavyLane lane, Func<HttpContext, bool>? when = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            if (when is not null && !when(context))
            {
                return await next(invocation).ConfigureAwait(false);
            }

            var jobs = context.RequestServices.GetRequiredService<HeavyJobs>();
            using var lease = await jobs.EnterAsync(lane, ThresholdWebApp.ClientIdentity(context), context.RequestAborted).ConfigureAwait(false);
            if (lease is null)
            {
                await HeavyJobs.RefuseAsync(context, lane).ConfigureAwait(false);
                return EmptyHttpResult.Instance;
            }

            var result = await next(invocation).ConfigureAwait(false);
            if (result is IResult answer)
            {
                // Inside the turn: a streamed or large answer is part of the job.
                await answer.ExecuteAsync(context).ConfigureAwait(false);
                return EmptyHttpResult.Instance;
            }

            return result;
        })
        .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
