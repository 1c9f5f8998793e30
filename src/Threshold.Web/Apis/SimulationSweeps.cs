using System.Security.Cryptography;
using NodaTime;
using Threshold.Simulation;
using Threshold.Web.Dashboard;
using Threshold.Web.Hosting;

namespace Threshold.Web.Apis;

/// <summary>Where a sweep job is: waiting for its turn, running, or ended one of three ways.</summary>
public enum SweepJobState
{
    Queued,
    Running,
    Finished,
    Failed,
    Cancelled,
}

/// <summary>
/// One sweep started through the API: it runs in the background as a heavy job of the simulation lane, and its owner
/// reads its progress and, once finished, its table. Thread-safe: the worker writes, requests read.
/// </summary>
public sealed class SweepJob : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private int pathsDone;
    private volatile SweepJobState state = SweepJobState.Queued;

    internal SweepJob(string id, string owner, Scenario scenario, SweepSpec spec, Instant created)
    {
        Id = id;
        Owner = owner;
        Scenario = scenario;
        Spec = spec;
        Created = created;
    }

    public string Id { get; }

    /// <summary>The caller who started it (<c>ThresholdWebApp.ClientIdentity</c>); nobody else can see it.</summary>
    public string Owner { get; }

    public Scenario Scenario { get; }

    public SweepSpec Spec { get; }

    public Instant Created { get; }

    /// <summary>When it finished, failed or was cancelled.</summary>
    public Instant? Ended { get; private set; }

    public SweepJobState State => state;

    /// <summary>Paths finished over all cells (of <see cref="PathsTotal"/>).</summary>
    public int PathsDone => Volatile.Read(ref pathsDone);

    public long PathsTotal => (long)Spec.Cells * Scenario.Paths;

    /// <summary>Why it failed (bad input found while running, e.g. a reform that changes nothing), in words.</summary>
    public string? Error { get; private set; }

    public SweepResult? Result { get; private set; }

    internal CancellationToken Token => cancel.Token;

    /// <summary>Asks the job to stop: while waiting it leaves the queue; while running it stops after the current chunk of paths.</summary>
    public void Cancel()
    {
        try
        {
            cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already ended and disposed: nothing to stop.
        }
    }

    public void Dispose() => cancel.Dispose();

    internal IProgress<int> Progress => new Largest(this);

    internal void Start() => state = SweepJobState.Running;

    internal void End(SweepJobState how, Instant at, SweepResult? result = null, string? error = null)
    {
        (Result, Error, Ended) = (result, error, at);
        if (result is not null)
        {
            Volatile.Write(ref pathsDone, (int)PathsTotal);
        }

        state = how;
    }

    /// <summary>Workers finish chunks out of order: keep the largest count.</summary>
    private sealed class Largest(SweepJob job) : IProgress<int>
    {
        public void Report(int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref job.pathsDone)) < value && Interlocked.CompareExchange(ref job.pathsDone, value, seen) != seen)
            {
            }
        }
    }
}

/// <summary>
/// The API's sweep jobs. A job takes a turn in the heavy-job queue's simulation lane (<see cref="HeavyJobs"/>: one
/// simulation at a time, a full queue refused at once) and then runs in the background; its owner polls it and may
/// cancel it. At most <see cref="MaxHeld"/> jobs are held; an ended job is forgotten <see cref="Kept"/> after it ends.
/// </summary>
public sealed class SimulationSweeps : IDisposable
{
    /// <summary>Most jobs held at once, running or ended.</summary>
    public const int MaxHeld = 64;

    /// <summary>How long an ended job's result stays readable.</summary>
    public static readonly Duration Kept = Duration.FromHours(1);

    private readonly object gate = new();
    private readonly Dictionary<string, SweepJob> jobs = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts a sweep for <paramref name="owner"/>; null when the heavy-job queue cannot take it (answer 429). The job
    /// runs <paramref name="run"/> once it has its turn.
    /// </summary>
    /// <exception cref="RequestValidationException">The server already holds <see cref="MaxHeld"/> jobs that have not expired.</exception>
    public SweepJob? Start(string owner, Scenario scenario, SweepSpec spec, HeavyJobs heavy, IClock clock, Func<SweepJob, Task<SweepResult>> run, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(heavy);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(run);
        var job = new SweepJob(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), owner, scenario, spec, clock.GetCurrentInstant());
        Task<IDisposable?> turn;
        lock (gate)
        {
            Prune(clock.GetCurrentInstant());
            if (jobs.Count >= MaxHeld)
            {
                job.Dispose();
                throw new RequestValidationException("sweep", $"this server already holds {MaxHeld} sweeps; retry when one has ended and expired ({Kept.TotalMinutes:0} minutes after it ends), or cancel one of yours");
            }

            turn = heavy.EnterAsync(HeavyLane.Simulation, owner, job.Token);
            if (turn.IsCompletedSuccessfully && turn.Result is null)
            {
                job.Dispose();
                return null;
            }

            jobs[job.Id] = job;
        }

        // Outside the lock: the run may start at once (its turn was free).
        _ = RunAsync(job, turn, clock, run, log);

        return job;
    }

    /// <summary>The job <paramref name="id"/> if <paramref name="owner"/> started it and it has not expired.</summary>
    public SweepJob? Find(string id, string owner)
    {
        lock (gate)
        {
            return jobs.TryGetValue(id, out var job) && job.Owner == owner ? job : null;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var job in jobs.Values)
            {
                job.Cancel();
            }
        }
    }

    private static async Task RunAsync(SweepJob job, Task<IDisposable?> turn, IClock clock, Func<SweepJob, Task<SweepResult>> run, ILogger log)
    {
        IDisposable? lease = null;
        try
        {
            lease = await turn.ConfigureAwait(false);
            if (lease is null)
            {
                job.End(SweepJobState.Failed, clock.GetCurrentInstant(), error: "the heavy-job queue could not take the sweep; start it again");
                return;
            }

            job.Start();
            var result = await run(job).ConfigureAwait(false);
            job.End(SweepJobState.Finished, clock.GetCurrentInstant(), result);
        }
        catch (OperationCanceledException) when (job.Token.IsCancellationRequested)
        {
            job.End(SweepJobState.Cancelled, clock.GetCurrentInstant());
        }
        catch (Exception e) when (DashboardErrors.IsExpected(e))
        {
            job.End(SweepJobState.Failed, clock.GetCurrentInstant(), error: DashboardErrors.Describe(e));
        }
        catch (Exception e)
        {
            // A bug, not the caller's input: logged with its stack; the caller reads that it failed, not why.
            log.LogError(e, "Sweep {Id} failed", job.Id);
            job.End(SweepJobState.Failed, clock.GetCurrentInstant(), error: "the sweep failed inside the server; this is a bug and has been logged");
        }
        finally
        {
            lease?.Dispose();
        }
    }

    /// <summary>Forgets jobs that ended more than <see cref="Kept"/> ago.</summary>
    private void Prune(Instant now)
    {
        foreach (var old in jobs.Values.Where(j => j.Ended is { } ended && now - ended > Kept).ToList())
        {
            jobs.Remove(old.Id);
            old.Dispose();
        }
    }
}
