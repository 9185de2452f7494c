using System.Collections.Concurrent;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Models.Files;

namespace Vigil.Models.Store;

/// <summary>
/// Serves the store's active models to detectors. A handle is loaded on first use (at start-up, when the
/// detectors are created, so a missing or broken model fails the start); promotion and rollback through this
/// provider swap the handle atomically, so running series score with the new model from their next point.
/// </summary>
public sealed class ModelStoreProvider : IModelProvider
{
    private readonly ModelStore _store;
    private readonly ConcurrentDictionary<string, ModelHandle> _handles = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();

    public ModelStoreProvider(ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public ModelStore Store => _store;

    /// <exception cref="ModelFileException">No active model, or it does not load; the message names the file and why.</exception>
    public ModelHandle Get(string name) => _handles.GetOrAdd(name, n => new ModelHandle(n, _store.LoadActive(n).Model));

    /// <summary>Re-reads the active file (after a promotion by another process, e.g. the CLI) and swaps it in.</summary>
    public AnomalyModel Reload(string name)
    {
        lock (_writeLock)
        {
            var model = _store.LoadActive(name).Model;
            if (_handles.TryGetValue(name, out var handle))
            {
                handle.Swap(model);
            }

            return model;
        }
    }

    public ModelFile Promote(string name)
    {
        lock (_writeLock)
        {
            // Check before touching files: a candidate the running job cannot feed must not become active.
            if (_handles.TryGetValue(name, out var handle))
            {
                var candidate = _store.LoadCandidate(name);
                if (!candidate.Model.FeatureNames.SequenceEqual(handle.Current.FeatureNames, StringComparer.Ordinal))
                {
                    throw new ModelFileException(_store.CandidatePath(name),
                        $"features [{string.Join(", ", candidate.Model.FeatureNames)}] differ from the running model's [{string.Join(", ", handle.Current.FeatureNames)}]; change the job and restart instead");
                }
            }

            var file = _store.Promote(name);
            SwapIfLoaded(name, file.Model);
            return file;
        }
    }

    public ModelFile Rollback(string name, string? version = null)
    {
        lock (_writeLock)
        {
            var file = _store.Rollback(name, version);
            SwapIfLoaded(name, file.Model);
            return file;
        }
    }

    private void SwapIfLoaded(string name, AnomalyModel model)
    {
        if (_handles.TryGetValue(name, out var handle))
        {
            handle.Swap(model);
        }
    }
}
