using System.Collections.Concurrent;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Prometheus;

namespace Vigil.Inspection.Sensors;

/// <summary>One series' learned baseline: a detector's state and the last point it saw. Guarded by its own lock.</summary>
internal sealed class SeriesModel(ISeriesDetector detector, long lastTimestampMs, Verdict lastVerdict, double lastValue)
{
    public object Gate { get; } = new();

    public ISeriesDetector Detector { get; } = detector;

    public long LastTimestampMs { get; set; } = lastTimestampMs;

    public Verdict LastVerdict { get; set; } = lastVerdict;

    public double LastValue { get; set; } = lastValue;

    /// <summary>Feeds the points after <see cref="LastTimestampMs"/> (causal: each is scored, then learned); returns how many.</summary>
    public int Observe(ReadOnlySpan<long> timestamps, ReadOnlySpan<double> values)
    {
        var fed = 0;
        for (var i = 0; i < timestamps.Length; i++)
        {
            if (timestamps[i] <= LastTimestampMs || !double.IsFinite(values[i]))
            {
                continue;
            }

            LastVerdict = Detector.Observe(timestamps[i], values.Slice(i, 1));
            LastValue = values[i];
            LastTimestampMs = timestamps[i];
            fed++;
        }

        return fed;
    }
}

/// <summary>
/// The baselines of every inspected series, keyed by monitored metric and series labels. The baseline sensor updates
/// them each round; the background retrainer replaces them with models learned afresh from the full history.
/// </summary>
internal sealed class BaselineModels
{
    private readonly ConcurrentDictionary<(string Metric, Labels Series), SeriesModel> _models = new();

    public BaselineModels(DetectorRegistry registry, BaselineSensorOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        Detector = registry.Create(options.Detector);
        Step = options.Step;
        // A week of hour-of-week history at 1m is 10,080 points: within the per-series limit, but a smaller step is not.
        HistoryPoints = Math.Clamp(Detector.HistoryPoints, 1, PrometheusLimits.MaxPointsPerSeries - 1);
    }

    public IDetector Detector { get; }

    public TimeSpan Step { get; }

    /// <summary>Steps of history a new or retrained baseline learns from.</summary>
    public int HistoryPoints { get; }

    public TimeSpan History => Step * HistoryPoints;

    public int Count => _models.Count;

    public SeriesModel? Find(string metric, Labels series) => _models.GetValueOrDefault((metric, series));

    public SeriesModel GetOrCreate(string metric, Labels series)
        => _models.GetOrAdd((metric, series), _ => new SeriesModel(Detector.CreateSeries(), long.MinValue, Verdict.Invalid, double.NaN));

    /// <summary>The oldest "last seen" among the metric's models, or null when it has none (first round: full history).</summary>
    public long? OldestLast(string metric)
    {
        long? oldest = null;
        foreach (var ((m, _), model) in _models)
        {
            if (m == metric && (oldest is null || model.LastTimestampMs < oldest))
            {
                oldest = model.LastTimestampMs;
            }
        }

        return oldest;
    }

    /// <summary>Swaps in a retrained model; a round still holding the old one finishes on it, the next uses this one.</summary>
    public void Replace(string metric, Labels series, SeriesModel model) => _models[(metric, series)] = model;

    /// <summary>A model learned from scratch over <paramref name="timestamps"/>/<paramref name="values"/>.</summary>
    public SeriesModel Train(ReadOnlySpan<long> timestamps, ReadOnlySpan<double> values)
    {
        var model = new SeriesModel(Detector.CreateSeries(), long.MinValue, Verdict.Invalid, double.NaN);
        model.Observe(timestamps, values);
        return model;
    }
}
