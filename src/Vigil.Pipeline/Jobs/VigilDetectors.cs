using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Models.Store;

namespace Vigil.Pipeline.Jobs;

/// <summary>
/// The detector types of the service and the CLI: the streaming ones plus <c>isolation_forest</c> over the model
/// store at <c>model_path</c>. One place, so `config check`, `run`, `backtest` and `train` accept the same jobs.
/// </summary>
public static class VigilDetectors
{
    /// <summary>
    /// For validating configuration only: parameters are checked, no model is read (validation never loads models;
    /// creating an isolation_forest detector from this registry fails with a message that names model_path).
    /// </summary>
    public static DetectorRegistry ForValidation() => Create((IModelProvider?)null);

    /// <summary>The registry with isolation_forest over <paramref name="models"/> (null: no model store configured).</summary>
    public static DetectorRegistry Create(IModelProvider? models)
        => DetectorRegistry.CreateDefault([new IsolationForestDetectorFactory(models ?? new NoModelStore())]);

    /// <summary>The registry with isolation_forest over a <see cref="ModelStoreProvider"/> at <paramref name="modelPath"/>.</summary>
    public static DetectorRegistry ForModelPath(string? modelPath)
        => Create(modelPath is null ? null : new ModelStoreProvider(new ModelStore(new ModelStoreOptions { Directory = modelPath })));

    /// <summary>No model_path: an isolation_forest job cannot start, and says why.</summary>
    private sealed class NoModelStore : IModelProvider
    {
        public ModelHandle Get(string name)
            => throw new InvalidOperationException($"Model '{name}': no model store configured; set model_path in the configuration or MODEL_PATH.");
    }
}
