using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Models.Shadow;

namespace Vigil.Pipeline;

/// <summary>
/// Shadow mode of a model-backed job: while the job's lifecycle shadows a candidate, every scored point is also
/// scored by the candidate and exported next to the active model's series with <c>model="candidate"</c> (the job's
/// own series carry <c>model="active"</c> whenever the job has a lifecycle, so their identity never changes).
/// Candidate series disappear when the shadow period ends. Used by one <see cref="JobRunner"/>: not thread-safe.
/// </summary>
public sealed class ShadowScoring
{
    public const string ModelLabel = "model";
    public const string Active = "active";
    public const string Candidate = "candidate";

    private readonly string _job;
    private readonly ScoreStore _store;
    private readonly Func<ShadowEvaluator?> _current;
    private readonly Dictionary<Labels, ScoreEntry> _entries = [];
    private ShadowEvaluator? _shadow;

    public ShadowScoring(string job, ScoreStore store, Func<ShadowEvaluator?> current)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(current);
        _job = job;
        _store = store;
        _current = current;
    }

    /// <summary>The labels the active model's verdicts are exported with.</summary>
    public static Labels ActiveLabels(Labels series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series.With(ModelLabel, Active);
    }

    /// <summary>Called once per cycle before scoring: follows the lifecycle to a new shadow period or to none.</summary>
    public void BeginCycle()
    {
        var current = _current();
        if (current is { IsConcluded: true })
        {
            current = null;
        }

        if (!ReferenceEquals(current, _shadow))
        {
            foreach (var entry in _entries.Values)
            {
                _store.Remove(entry);
            }

            _entries.Clear();
            _shadow = current;
        }
    }

    /// <summary>Scores the point with the candidate (and feeds the shadow comparison); a no-op outside shadow periods.</summary>
    public void Observe(Labels series, long timestampMs, ReadOnlySpan<double> features)
    {
        if (_shadow is not { } shadow)
        {
            return;
        }

        var verdicts = shadow.Observe(series, timestampMs, features);
        if (verdicts.Candidate.Kind != VerdictKind.Scored)
        {
            return;
        }

        if (!_entries.TryGetValue(series, out var entry))
        {
            _entries[series] = entry = _store.GetOrAdd(_job, series.With(ModelLabel, Candidate));
        }

        entry.Update(verdicts.Candidate, timestampMs);
    }

    /// <summary>The series went stale: its candidate series goes too.</summary>
    public void Remove(Labels series)
    {
        if (_entries.Remove(series, out var entry))
        {
            _store.Remove(entry);
        }
    }
}
