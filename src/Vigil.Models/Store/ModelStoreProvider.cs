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
    private readonly ConcurrentDictionary<string, (DateTime Written, long Length)> _stamps = new(StringComparer.Ordinal);

    public ModelStoreProvider(ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public ModelStore Store => _store;

    /// <exception cref="ModelFileException">No active model, or it does not load; the message names the file and why.</exception>
    public ModelHandle Get(string name) => _handles.GetOrAdd(name, n =>
    {
        _stamps[n] = Stamp(n);
        return new ModelHandle(n, _store.LoadActive(n).Model);
    });

    /// <summary>
    /// Reloads every served model whose active file changed on disk since it was loaded (a promotion or rollback by
    /// the CLI, another replica, or an operator copying a file in). A file that no longer loads leaves the running
    /// model in place and is reported, so a bad write never takes scoring down. Returns (reloaded, failures).
    /// </summary>
    public (IReadOnlyList<string> Reloaded, IReadOnlyList<ModelFileException> Failures) ReloadChanged()
    {
        var reloaded = new List<string>();
        var failures = new List<ModelFileException>();
        foreach (var name in _handles.Keys)
        {
            var stamp = Stamp(name);
            if (_stamps.TryGetValue(name, out var known) && known == stamp)
            {
                continue;
            }

            try
            {
                Reload(name);
                reloaded.Add(name);
            }
            catch (ModelFileException ex)
            {
                failures.Add(ex);
            }

            // Recorded either way: a broken file is reported once, not on every check.
            _stamps[name] = stamp;
        }

        return (reloaded, failures);
    }

    private (DateTime Written, long Length) Stamp(string name)
    {
        var info = new FileInfo(_store.ActivePath(name));
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }

    /// <summary>Re-reads the active file (after a promotion by another process, e.g. the CLI) and swaps it in.</summary>
    public AnomalyModel Reload(string name)
    {
        lock (_writeLock)
        {
            var model = _store.LoadActive(name).Model;
            if (_handles.TryGetValue(name, out var handle))
            {
                handle.Swap(model);
                _stamps[name] = Stamp(name);
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
            _stamps[name] = Stamp(name);
        }
    }
}
