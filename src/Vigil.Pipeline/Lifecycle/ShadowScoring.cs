using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Models.Shadow;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Lifecycle;

/// <summary>
/// Shadow mode of a model-backed job: while the job's lifecycle shadows a candidate, every scored point is also
/// scored by the candidate and published beside the active model's series with <c>model="candidate"</c> (the job's
/// own series carry <c>model="active"</c> whenever the job has a lifecycle, so their identity never changes).
/// Candidate series are published as removed when the shadow period ends. Used by one job's runner: not thread-safe.
/// </summary>
public sealed class ShadowScoring
{
    public const string ModelLabel = "model";
    public const string Active = "active";
    public const string Candidate = "candidate";

    private readonly string _job;
    private readonly Func<ShadowEvaluator?> _current;
    private readonly Dictionary<Labels, ScoredSeries> _series = [];
    private ShadowEvaluator? _shadow;

    public ShadowScoring(string job, Func<ShadowEvaluator?> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        _job = job;
        _current = current;
    }

    /// <summary>The labels the active model's verdicts are exported with.</summary>
    public static Labels ActiveLabels(Labels series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series.With(ModelLabel, Active);
    }

    /// <summary>Called once per cycle before scoring: follows the lifecycle to a new shadow period or to none.</summary>
    public void BeginCycle(VerdictBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var current = _current();
        if (current is { IsConcluded: true })
        {
            current = null;
        }

        if (!ReferenceEquals(current, _shadow))
        {
            foreach (var series in _series.Values)
            {
                batch.AddRemoved(series);
            }

            _series.Clear();
            _shadow = current;
        }
    }

    /// <summary>Scores the point with the candidate (and feeds the shadow comparison); a no-op outside shadow periods.</summary>
    public void Observe(Labels series, long timestampMs, ReadOnlySpan<double> features, VerdictBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_shadow is not { } shadow)
        {
            return;
        }

        var verdicts = shadow.Observe(series, timestampMs, features);
        if (verdicts.Candidate.Kind != VerdictKind.Scored)
        {
            return;
        }

        if (!_series.TryGetValue(series, out var candidate))
        {
            _series[series] = candidate = new ScoredSeries(_job, series.With(ModelLabel, Candidate), "isolation_forest", ModelRole.Candidate);
        }

        batch.Add(new ScoredPoint(candidate, timestampMs, features[0], verdicts.Candidate));
    }

    /// <summary>The series went stale: its candidate series goes too.</summary>
    public void Remove(Labels series, VerdictBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_series.Remove(series, out var candidate))
        {
            batch.AddRemoved(candidate);
        }
    }
}
