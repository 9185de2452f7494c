using Vigil.Models.Store;
using Vigil.Telemetry;

namespace Vigil.Pipeline;

/// <summary>
/// Picks up promotions and rollbacks made outside this process (`vigil models promote` on the same model directory,
/// another replica): every few seconds the served models whose active file changed are reloaded and swapped in
/// atomically, without a restart. A file that no longer loads keeps the running model and is counted as
/// <c>model_load</c> in <c>vigil_errors_total</c>.
/// </summary>
public sealed class ModelReloadService(ModelStoreProvider provider, VigilMetrics metrics, TimeProvider time, ILogger<ModelReloadService> logger) : BackgroundService
{
    public const string ErrorType = "model_load";

    public static TimeSpan CheckInterval { get; } = TimeSpan.FromSeconds(10);

    /// <summary>One check; the loop below and the tests call it.</summary>
    public void Check()
    {
        var (reloaded, failures) = provider.ReloadChanged();
        foreach (var name in reloaded)
        {
            logger.ModelReloaded(name);
        }

        foreach (var failure in failures)
        {
            metrics.CountError(ErrorType);
            logger.ModelReloadFailed(failure);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(CheckInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Check();
        }
    }
}
