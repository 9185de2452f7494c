using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Series;
using Vigil.Models.Store;
using Vigil.Models.Training;
using Vigil.Models.Validation;

namespace Vigil.Models.Shadow;

/// <summary>
/// Shadow mode for one model name: every live point is scored by the active model and by the candidate; after
/// <see cref="ShadowOptions.Duration"/> the policy compares the two on what they saw and the candidate is promoted
/// (atomic swap, no restart) or discarded. Thread-safe: the pipeline may score entities concurrently. Statistics
/// are counters and fixed-bin histograms updated with Interlocked, so observing allocates nothing.
/// </summary>
public sealed class ShadowEvaluator
{
    private readonly ModelStoreProvider _provider;
    private readonly PromotionPolicy _policy;
    private readonly ShadowOptions _options;
    private readonly TimeProvider _time;
    private readonly IncidentWindow[] _incidents; // an array: a foreach over the interface would allocate per point
    private readonly ModelStats _activeStats = new();
    private readonly ModelStats _candidateStats = new();
    private int _concluded;

    public ShadowEvaluator(string name, ModelStoreProvider provider, PromotionPolicy policy, ShadowOptions options, TimeProvider time, IReadOnlyList<IncidentWindow>? incidents = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Name = name;
        _provider = provider;
        _policy = policy;
        _options = options;
        _time = time;
        _incidents = [.. incidents ?? []];
        Active = provider.Get(name);
        Candidate = provider.Store.LoadCandidate(name).Model;
        if (!Candidate.FeatureNames.SequenceEqual(Active.Current.FeatureNames, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Candidate {Candidate.Version} of '{name}' has different features than the active model; it cannot be shadowed.", nameof(name));
        }

        StartedAt = time.GetUtcNow();
    }

    public string Name { get; }

    public ModelHandle Active { get; }

    public AnomalyModel Candidate { get; }

    public DateTimeOffset StartedAt { get; }

    public bool IsDue => _time.GetUtcNow() - StartedAt >= _options.Duration;

    public bool IsConcluded => Volatile.Read(ref _concluded) != 0;

    public ShadowVerdicts Observe(Labels entity, long timestampMs, ReadOnlySpan<double> features)
    {
        var active = Active.Current.Score(features);
        var candidate = Candidate.Score(features);
        var labelled = false;
        for (var i = 0; i < _incidents.Length && !labelled; i++)
        {
            labelled = _incidents[i].Contains(entity, timestampMs);
        }

        if (active.Kind == VerdictKind.Scored)
        {
            _activeStats.Add(active.Score, labelled);
            _candidateStats.Add(candidate.Score, labelled);
        }

        return new ShadowVerdicts(active, candidate);
    }

    /// <summary>The comparison so far (for a status page); does not decide anything.</summary>
    public ValidationComparison Snapshot()
        => new(_candidateStats.Report(_incidents.Length > 0), _activeStats.Report(_incidents.Length > 0));

    /// <summary>
    /// Decides once the period is over: promotes the candidate through the provider (running series switch on their
    /// next point) or discards it. Returns null while the period is still running.
    /// </summary>
    public ShadowOutcome? ConcludeIfDue()
    {
        if (!IsDue || Interlocked.Exchange(ref _concluded, 1) != 0)
        {
            return null;
        }

        var comparison = Snapshot();
        var decision = _policy.Decide(comparison);
        if (decision.Promote)
        {
            _provider.Promote(Name);
        }
        else
        {
            _provider.Store.DiscardCandidate(Name);
        }

        return new ShadowOutcome(comparison, decision, Candidate.Version, Active.Current.Version);
    }

    /// <summary>Lock-free counters; the score histogram gives percentiles to 0.01 up to a score of 10.</summary>
    private sealed class ModelStats
    {
        private const double BinWidth = 0.01;
        private const int Bins = 1001; // last bin collects everything ≥ 10

        private readonly long[] _histogram = new long[Bins];
        private long _rows;
        private long _flagged;
        private long _truePositives;
        private long _falsePositives;
        private long _falseNegatives;
        private long _maxBits;

        public void Add(double score, bool labelled)
        {
            Interlocked.Increment(ref _rows);
            var flagged = score > 1.0;
            if (flagged)
            {
                Interlocked.Increment(ref _flagged);
            }

            if (flagged && labelled)
            {
                Interlocked.Increment(ref _truePositives);
            }
            else if (flagged)
            {
                Interlocked.Increment(ref _falsePositives);
            }
            else if (labelled)
            {
                Interlocked.Increment(ref _falseNegatives);
            }

            Interlocked.Increment(ref _histogram[Math.Min((int)(score / BinWidth), Bins - 1)]);

            // Scores are ≥ 0, so their IEEE bit patterns order like the values: a max on longs is a max on doubles.
            var bits = BitConverter.DoubleToInt64Bits(score);
            var seen = Interlocked.Read(ref _maxBits);
            while (bits > seen)
            {
                var previous = Interlocked.CompareExchange(ref _maxBits, bits, seen);
                if (previous == seen)
                {
                    break;
                }

                seen = previous;
            }
        }

        public ValidationReport Report(bool withLabels)
        {
            var rows = Interlocked.Read(ref _rows);
            var counts = new ConfusionCounts(Interlocked.Read(ref _truePositives), Interlocked.Read(ref _falsePositives), Interlocked.Read(ref _falseNegatives));
            return new ValidationReport
            {
                Rows = rows,
                AnomalyRate = rows == 0 ? 0 : Interlocked.Read(ref _flagged) / (double)rows,
                ScoreP50 = Quantile(rows, 0.50),
                ScoreP90 = Quantile(rows, 0.90),
                ScoreP99 = Quantile(rows, 0.99),
                ScoreMax = BitConverter.Int64BitsToDouble(Interlocked.Read(ref _maxBits)),
                LabelledAnomalies = withLabels ? counts.LabelledPositives : null,
                Precision = withLabels ? counts.Precision : null,
                Recall = withLabels ? counts.Recall : null,
                F1 = withLabels ? counts.F1 : null,
            };
        }

        private double Quantile(long rows, double q)
        {
            if (rows == 0)
            {
                return 0;
            }

            var target = (long)Math.Ceiling(q * rows);
            var seen = 0L;
            for (var i = 0; i < Bins; i++)
            {
                seen += Interlocked.Read(ref _histogram[i]);
                if (seen >= target)
                {
                    return (i + 0.5) * BinWidth; // bin centre
                }
            }

            return Bins * BinWidth;
        }
    }
}
