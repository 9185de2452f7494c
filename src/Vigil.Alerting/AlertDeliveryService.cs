namespace Vigil.Alerting;

/// <summary>
/// Runs <see cref="AlertNotifier.RunCycleAsync"/> every retry base delay (at most every resend interval), so retries
/// honour each receiver's back-off and active alerts are re-sent on time. A failed cycle is logged and the next one runs.
/// </summary>
internal sealed partial class AlertDeliveryService(AlertNotifier notifier, AlertingOptions options, TimeProvider time, ILogger<AlertDeliveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = options.RetryBaseDelay < options.ResendInterval ? options.RetryBaseDelay : options.ResendInterval;
        using var timer = new PeriodicTimer(tick, time);
        do
        {
            try
            {
                await notifier.RunCycleAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.CycleFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
