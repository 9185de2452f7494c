namespace Vigil.Pipeline.Scheduling;

/// <summary>
/// Runs every <see cref="IScheduledWork"/> on its own interval, independently: one failing or slow item never delays
/// another, and an item never overlaps itself (ticks missed while a run overran are skipped, not queued, and logged).
/// On shutdown a running run gets the grace period to finish, then its token is cancelled; then the item's
/// <see cref="IScheduledWork.StopAsync"/> runs. A thin loop: the work lives in the items, which tests call directly.
/// </summary>
public sealed class WorkScheduler(IEnumerable<IScheduledWork> work, TimeProvider clock, SchedulerOptions options, ILogger<WorkScheduler> logger) : BackgroundService
{
    private readonly IScheduledWork[] _work = [.. work];

    public IReadOnlyList<IScheduledWork> Work => _work;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.WhenAll(_work.Select(w => RunLoopAsync(w, stoppingToken)));

    private async Task RunLoopAsync(IScheduledWork work, CancellationToken stoppingToken)
    {
        // Leave the host's start-up path before the first run.
        await Task.Yield();
        var workClock = work.Clock ?? clock;
        var interval = work.Interval;
        logger.WorkScheduled(work.Name, interval);
        var next = workClock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            // The grace period is real (host) time even when the work's interval runs on an accelerated clock.
            using (var run = new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock))
            using (stoppingToken.Register(() => run.CancelAfter(options.ShutdownGrace)))
            {
                try
                {
                    await work.RunAsync(run.Token);
                }
                catch (OperationCanceledException) when (run.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    logger.WorkFailed(ex, work.Name);
                }
            }

            next += interval;
            var now = workClock.GetUtcNow();
            if (next < now)
            {
                // Every tick strictly before now was missed; a tick exactly at now still runs.
                var missed = ((now - next).Ticks + interval.Ticks - 1) / interval.Ticks;
                next += interval * missed;
                logger.Overrun(work.Name, missed);
            }

            try
            {
                await Task.Delay(next - now, workClock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        try
        {
            await work.StopAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.WorkStopFailed(ex, work.Name);
        }

        logger.WorkStopped(work.Name);
    }
}
