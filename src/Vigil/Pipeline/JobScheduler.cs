
namespace Vigil.Pipeline;

/// <summary>
/// Runs every job on its own schedule, independently: one failing or slow job never delays another, and a
/// cycle never overlaps itself (ticks missed while a cycle overran are skipped, not queued).
/// On shutdown a running cycle gets the grace period to finish, then it is cancelled. Detector state is restored
/// before a job's first cycle and snapshotted between cycles every snapshot interval and when the job stops.
/// </summary>
public sealed class JobScheduler(
    IReadOnlyList<JobRunner> runners, JobStateStore state, TimeProvider wallClock, TimeSpan shutdownGrace, ILogger<JobScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.WhenAll(runners.Select(r => RunLoopAsync(r, stoppingToken)));

    private async Task RunLoopAsync(JobRunner runner, CancellationToken stoppingToken)
    {
        // Leave the host's start-up path before the first cycle.
        await Task.Yield();
        var clock = runner.DataClock;
        var interval = runner.Options.Interval;
        logger.JobStarted(runner.Name, interval, runner.Options.EffectiveStep, runner.Detector.Type, runner.Options.Source.ToString());
        state.Restore(runner);
        var lastSnapshot = wallClock.GetTimestamp();
        var next = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var cycle = new CancellationTokenSource())
            using (stoppingToken.Register(() => cycle.CancelAfter(shutdownGrace)))
            {
                try
                {
                    await runner.RunCycleAsync(cycle.Token);
                }
                catch (OperationCanceledException) when (cycle.IsCancellationRequested)
                {
                    break;
                }
            }

            if (state.Enabled && wallClock.GetElapsedTime(lastSnapshot) >= state.Interval)
            {
                state.Save(runner);
                lastSnapshot = wallClock.GetTimestamp();
            }

            next += interval;
            var now = clock.GetUtcNow();
            if (next <= now)
            {
                var skipped = ((now - next).Ticks / interval.Ticks) + 1;
                next += interval * skipped;
                logger.Overrun(runner.Name, skipped);
            }

            try
            {
                await Task.Delay(next - now, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        state.Save(runner);
        logger.JobStopped(runner.Name);
    }
}
