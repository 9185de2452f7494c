using Vigil.Pipeline.Scheduling;

namespace Vigil.Pipeline.Jobs;

/// <summary>
/// A detection job as scheduled work: restores the job's state before its first cycle, runs a cycle per tick, and
/// decides its own snapshots: every snapshot interval (host time) between cycles, and when the scheduler stops.
/// </summary>
public sealed class DetectionJob(JobRunner runner, JobStateStore state, TimeProvider wallClock, ILogger<DetectionJob> logger) : IScheduledWork
{
    private bool _started;
    private long _lastSnapshot;

    public JobRunner Runner => runner;

    public string Name => runner.Name;

    public TimeSpan Interval => runner.Options.Interval;

    public TimeProvider? Clock => runner.DataClock;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            _started = true;
            logger.JobStarted(runner.Name, runner.Options.Interval, runner.Options.EffectiveStep, runner.Detector.Type, runner.Options.Source.ToString());
            state.Restore(runner);
            _lastSnapshot = wallClock.GetTimestamp();
        }

        await runner.RunCycleAsync(cancellationToken);
        if (state.Enabled && wallClock.GetElapsedTime(_lastSnapshot) >= state.Interval)
        {
            state.Save(runner);
            _lastSnapshot = wallClock.GetTimestamp();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        state.Save(runner);
        logger.JobStopped(runner.Name);
        return Task.CompletedTask;
    }
}
