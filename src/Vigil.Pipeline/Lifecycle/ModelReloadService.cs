using Vigil.Models.Store;
using Vigil.Pipeline.Scheduling;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Pipeline.Lifecycle;

/// <summary>
/// Picks up promotions and rollbacks made outside this process (`vigil models promote` on the same model directory,
/// another replica): every few seconds the served models whose active file changed are reloaded and swapped in
/// atomically, without a restart. A file that no longer loads keeps the running model and is counted as
/// <c>model_load</c> in <c>vigil_errors_total</c>.
/// </summary>
public sealed class ModelReloadService(ModelStoreProvider provider, VigilMetrics metrics, ILogger<ModelReloadService> logger) : IScheduledWork
{
    public const string ErrorType = ErrorTypes.ModelLoad;

    public static TimeSpan CheckInterval { get; } = TimeSpan.FromSeconds(10);

    /// <summary>One check; each scheduled run, and the tests, call it.</summary>
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

    public string Name => "model-reload";

    public TimeSpan Interval => CheckInterval;

    public Task RunAsync(CancellationToken cancellationToken)
    {
        Check();
        return Task.CompletedTask;
    }
}
