using Microsoft.Extensions.Logging;
using Vigil.Pipeline.Scheduling;
using Vigil.Postgres.Aggregation;

namespace Vigil.Postgres.Hosting;

/// <summary>
/// The aggregation/detection cycle as scheduled work under the pipeline's scheduler; a failed cycle is logged and
/// counted, and retried next tick. On stop the leader lease is released so another replica takes over at once.
/// </summary>
internal sealed class AggregationWork(AggregationCycle cycle, BusinessMetricsOptions options, ILogger<AggregationWork> logger) : IScheduledWork
{
    public string Name => "business-aggregation";

    public TimeSpan Interval => options.Aggregation.Interval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
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
