using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Postgres.Aggregation;

namespace Vigil.Postgres.Hosting;

/// <summary>Thin timer loop around <see cref="AggregationCycle"/>; a failed cycle is logged and counted, and retried next tick.</summary>
internal sealed class AggregationService : BackgroundService
{
    private readonly AggregationCycle _cycle;
    private readonly BusinessMetricsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AggregationService> _logger;

    public AggregationService(AggregationCycle cycle, BusinessMetricsOptions options, TimeProvider time, ILogger<AggregationService> logger)
    {
        _cycle = cycle;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Aggregation.Interval, _time);
        try
        {
            do
            {
                try
                {
                    await _cycle.RunAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogMessages.CycleFailed(_logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await _cycle.Lease.ReleaseAsync().ConfigureAwait(false);
        }
    }
}
