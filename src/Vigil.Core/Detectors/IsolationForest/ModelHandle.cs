namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>
/// The current model of one name. Series read <see cref="Current"/> on every observation, so a promotion that
/// calls <see cref="Swap"/> takes effect on the next point without a restart and without locks: readers see
/// either the old or the new model, never a mix.
/// </summary>
public sealed class ModelHandle
{
    private AnomalyModel _current;

    public ModelHandle(string name, AnomalyModel initial)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(initial);
        Name = name;
        _current = initial;
    }

    public string Name { get; }

    public AnomalyModel Current => Volatile.Read(ref _current);

    /// <summary>Atomically replaces the model; returns the previous one.</summary>
    /// <exception cref="ArgumentException">The new model's features differ from the current one's: the job's queries would not match it.</exception>
    public AnomalyModel Swap(AnomalyModel next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var current = Current;
        if (!current.FeatureNames.SequenceEqual(next.FeatureNames, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"Model '{Name}': version {next.Version} has features [{string.Join(", ", next.FeatureNames)}], the running job expects [{string.Join(", ", current.FeatureNames)}].",
                nameof(next));
        }

        return Interlocked.Exchange(ref _current, next);
    }
}
