using Vigil.Core.Series;

namespace Vigil.Pipeline.Verdicts;

/// <summary>Which model produced a verdict: a job without a model lifecycle has none.</summary>
public enum ModelRole : byte
{
    /// <summary>A streaming detector, or a model-backed job without a lifecycle.</summary>
    None = 0,

    /// <summary>The model a job with a lifecycle serves (its verdicts are the job's).</summary>
    Active = 1,

    /// <summary>A candidate scored in shadow beside the active model; never the job's verdict.</summary>
    Candidate = 2,
}

/// <summary>
/// The identity of one scored series, created once when the series first appears and reused for every point
/// it produces: a sink may key its per-series state by this reference (reference equality) instead of hashing labels
/// per point. Two instances with equal <see cref="Source"/> and <see cref="Labels"/> denote the same series.
/// </summary>
public sealed class ScoredSeries
{
    public ScoredSeries(string source, Labels labels, string detector, ModelRole model = ModelRole.None)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(detector);
        Source = source;
        Labels = labels;
        Detector = detector;
        Model = model;
    }

    /// <summary>What produced it: the Vigil job's name, or <c>business_metrics</c>. Exported as the <c>job</c> label.</summary>
    public string Source { get; }

    /// <summary>The series' labels as exported (before the <c>job</c> label is added), <c>model="…"</c> included when it has a role.</summary>
    public Labels Labels { get; }

    /// <summary>The detector type, e.g. <c>rolling_sigma</c>, <c>isolation_forest</c>.</summary>
    public string Detector { get; }

    public ModelRole Model { get; }

    // One slot per standard sink: the sink's per-series state hangs off the series itself, so a cycle reaches it with
    // one load instead of a hash lookup per sink per series (at 100k series those lookups were a third of a cycle's
    // CPU, all cache misses: issue 15). Each slot names its owner; a second instance of a sink (tests, a second
    // history) finds the slot taken and keeps its state in its own dictionary instead.
    internal object? HistorySlot;
    internal object? ScoreSlot;
    internal object? EpisodeSlot;

    public override string ToString() => $"{Source}{Labels}";
}
