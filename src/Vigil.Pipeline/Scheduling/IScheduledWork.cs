namespace Vigil.Pipeline.Scheduling;

/// <summary>
/// Something that runs periodically under the <see cref="WorkScheduler"/>: a detection job, the business-metrics
/// aggregation, model lifecycles and reloads, and later inspection rounds. Register with
/// <c>services.AddScheduledWork(...)</c>. The scheduler never overlaps two runs of one work item, skips (and logs)
/// ticks missed while a run overran, and on shutdown gives a running run the grace period before cancelling it.
/// What a run does between runs (snapshots, leases) is the work's own decision, not the scheduler's.
/// </summary>
public interface IScheduledWork
{
    /// <summary>Unique among the scheduled work; used in logs.</summary>
    string Name { get; }

    /// <summary>Time between the starts of two runs.</summary>
    TimeSpan Interval { get; }

    /// <summary>The clock the interval is measured on: null for the host's; the replay's accelerated clock for replay jobs.</summary>
    TimeProvider? Clock => null;

    /// <summary>One run. Failures the work expects are its own to count; an exception is logged and the next tick runs again.</summary>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Called once when the scheduler stops, after the last run (save state, release a lease).</summary>
    Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
