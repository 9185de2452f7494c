using Microsoft.Extensions.Logging;
using Vigil.Pipeline.Scheduling;
using Vigil.Postgres.Aggregation;

namespace Vigil.Postgres.Hosting;

/// <summary>
/// The aggregation/detection cycle as scheduled work under the pipeline's scheduler; a failed cycle is logged and
/// counted, and retried next tick. On stop the leader lease is released so another replica takes over at once.
/// </summary>
internal sealed class AggregationWork(AggregationCycle cycle, BusinessMetricsOptions options, BusinessReadiness readiness, ILogger<AggregationWork> logger) : IScheduledWork
{
    public string Name => "business-aggregation";

    public TimeSpan Interval => options.Aggregation.Interval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!readiness.Ready)
        {
            // The database is not up yet (DatabaseStartup retries it and counts the errors): nothing to aggregate.
            return;
        }

        try
        {
            await cycle.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            LogMessages.CycleFailed(logger, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => cycle.Lease.ReleaseAsync();
}
