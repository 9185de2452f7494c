using Vigil.Backtesting.Nab;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Core.Sources;

namespace Vigil.Backtesting;

/// <summary>One point that scored above 1.</summary>
/// <param name="Time">When.</param>
/// <param name="Value">The value (the first feature of a multivariate job).</param>
/// <param name="Expected">The detector's expectation.</param>
/// <param name="Lower">Lower band edge.</param>
/// <param name="Upper">Upper band edge.</param>
/// <param name="Score">The anomaly score (above 1).</param>
/// <param name="Features">Every feature of a multivariate job's row; null for a single query.</param>
public sealed record BacktestAnomaly(DateTimeOffset Time, double Value, double Expected, double Lower, double Upper, double Score, IReadOnlyList<double>? Features = null);

/// <summary>Accuracy against labelled windows: point precision, window recall, their F1, and the NAB standard score.</summary>
/// <param name="Windows">Labelled windows of this series.</param>
/// <param name="WindowsDetected">Windows with at least one anomalous point.</param>
/// <param name="AnomaliesInWindows">Anomalous points inside a window.</param>
/// <param name="Precision">Anomalous points inside a window / all anomalous points (1 when there are none).</param>
/// <param name="Recall">Windows with at least one anomalous point / windows.</param>
/// <param name="F1">Harmonic mean of precision and recall.</param>
/// <param name="NabStandard">NAB's normalised standard-profile score at Vigil's threshold (score &gt; 1), NAB rules incl. the 15% probation.</param>
public sealed record LabelMetrics(int Windows, int WindowsDetected, int AnomaliesInWindows, double Precision, double Recall, double F1, double NabStandard);

/// <summary>The backtest of one series.</summary>
/// <summary>One scored point of a backtest: the series (its identity labels), the point and its verdict.</summary>
public readonly record struct BacktestVerdict(Labels Series, long TimestampMs, double Value, Verdict Verdict);

public sealed record SeriesBacktest(
    string Series,
    int Points,
    int Scored,
    int Warmup,
    int Invalid,
    TimeSpan Span,
    IReadOnlyList<BacktestAnomaly> Anomalies,
    double AlertsPerDay,
    LabelMetrics? Metrics);

/// <summary>
/// Replays history through a detector exactly as live: one series state per label set, points in time order,
/// each scored before it is learned (causal). Sources are read in chunks so a long range never needs one huge query.
/// </summary>
public sealed class Backtester
{
    private readonly IDetector _detector;
    private readonly List<BacktestVerdict> _chunkVerdicts = [];

    /// <summary>
    /// Receives every verdict of each chunk once the chunk is scored (e.g. to remote-write the scores as history).
    /// Null: verdicts are not kept beyond the summary.
    /// </summary>
    public Func<IReadOnlyList<BacktestVerdict>, CancellationToken, Task>? OnChunkScored { get; init; }

    public Backtester(IDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        _detector = detector;
    }

    /// <summary>Backtests one CSV series.</summary>
    public SeriesBacktest Run(TimeSeriesData data, IncidentWindows? labels = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var replay = new SeriesReplay(data.Name, _detector.CreateSeries());
        for (var i = 0; i < data.Count; i++)
        {
            replay.Observe(data.TimestampsMs[i], data.Values[i]);
        }

        return replay.Finish(labels?.For(data.Name));
    }

    /// <summary>
    /// Backtests every series <paramref name="query"/> returns over [from, to], reading <paramref name="chunk"/> at a time.
    /// <paramref name="progress"/> receives the fraction of the range done. <paramref name="identityLabels"/> is the job's
    /// label allow-list: as live, only those labels identify a series.
    /// </summary>
    public Task<IReadOnlyList<SeriesBacktest>> RunAsync(
        IMetricSource source,
        string query,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan step,
        TimeSpan chunk,
        IncidentWindows? labels = null,
        IProgress<double>? progress = null,
        IReadOnlySet<string>? identityLabels = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return RunAsync((start, end, s, ct) => source.QueryRangeAsync(query, start, end, s, ct), from, to, step, chunk, labels, progress, identityLabels, cancellationToken);
    }

    /// <summary>
    /// Backtests whatever <paramref name="fetch"/> returns for each chunk [start, end] at the step: one query's series, or
    /// the feature rows of a multivariate job (a batch with several features per point), exactly as the live job reads them.
    /// </summary>
    public async Task<IReadOnlyList<SeriesBacktest>> RunAsync(
        Func<DateTimeOffset, DateTimeOffset, TimeSpan, CancellationToken, Task<SeriesBatch>> fetch,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan step,
        TimeSpan chunk,
        IncidentWindows? labels = null,
        IProgress<double>? progress = null,
        IReadOnlySet<string>? identityLabels = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        if (to < from || step <= TimeSpan.Zero || chunk < step)
        {
            throw new ArgumentException("Need from ≤ to, step > 0 and chunk ≥ step.");
        }

        var series = new Dictionary<Labels, SeriesReplay>();
        var total = (to - from).Ticks;
        for (var start = from; start <= to; start += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Chunks are [start, start + chunk − step]: range queries include both ends, so no timestamp is read twice.
            var end = start + chunk - step < to ? start + chunk - step : to;
            var batch = await fetch(start, end, step, cancellationToken);
            var width = batch.FeatureCount;
            for (var s = 0; s < batch.SeriesCount; s++)
            {
                var key = identityLabels is null ? batch.GetLabels(s) : batch.GetLabels(s).Keep(identityLabels);
                if (!series.TryGetValue(key, out var replay))
                {
                    replay = new SeriesReplay(key.ToString(), _detector.CreateSeries());
                    series.Add(key, replay);
                }

                var timestamps = batch.GetTimestamps(s);
                var values = batch.GetValues(s);
                for (var i = 0; i < timestamps.Length; i++)
                {
                    if (replay.Observe(timestamps[i], values.Slice(i * width, width)) is { } verdict && OnChunkScored is not null)
                    {
                        _chunkVerdicts.Add(new BacktestVerdict(key, timestamps[i], values[i * width], verdict));
                    }
                }
            }

            if (OnChunkScored is not null && _chunkVerdicts.Count > 0)
            {
                await OnChunkScored(_chunkVerdicts, cancellationToken);
                _chunkVerdicts.Clear();
            }

            progress?.Report(total == 0 ? 1 : Math.Min(1, (end - from).Ticks / (double)total));
        }

        return [.. series.Values.Select(r => r.Finish(labels?.For(r.Name))).OrderBy(r => r.Series, StringComparer.Ordinal)];
    }

    private sealed class SeriesReplay(string name, ISeriesDetector detector)
    {
        private readonly List<long> _timestamps = [];
        private readonly List<double> _unitScores = [];
        private readonly List<BacktestAnomaly> _anomalies = [];
        private long _last = long.MinValue;
        private int _scored;
        private int _warmup;
        private int _invalid;

        public string Name => name;

        public void Observe(long timestampMs, double value) => Observe(timestampMs, new ReadOnlySpan<double>(in value));

        /// <summary>Scores one point; null when the timestamp was already scored (it is skipped).</summary>
        public Verdict? Observe(long timestampMs, ReadOnlySpan<double> features)
        {
            if (timestampMs <= _last)
            {
                return null; // overlapping chunk or duplicate sample: each timestamp is scored once, in order
            }

            _last = timestampMs;
            var verdict = detector.Observe(timestampMs, features);
            var value = features[0];
            switch (verdict.Kind)
            {
                case VerdictKind.Scored: _scored++; break;
                case VerdictKind.Warmup: _warmup++; break;
                default: _invalid++; break;
            }

            _timestamps.Add(timestampMs);
            _unitScores.Add(verdict.Kind == VerdictKind.Scored ? NabRunner.ToUnitScore(verdict.Score) : 0);
            if (verdict.IsAnomaly)
            {
                _anomalies.Add(new BacktestAnomaly(
                    DateTimeOffset.FromUnixTimeMilliseconds(timestampMs), value, verdict.Expected, verdict.Lower, verdict.Upper, verdict.Score, features.Length > 1 ? features.ToArray() : null));
            }

            return verdict;
        }

        public SeriesBacktest Finish(IReadOnlyList<IncidentWindow>? windows)
        {
            var span = _timestamps.Count > 1 ? TimeSpan.FromMilliseconds(_timestamps[^1] - _timestamps[0]) : TimeSpan.Zero;
            var perDay = span > TimeSpan.Zero ? _anomalies.Count / span.TotalDays : 0;
            var metrics = windows is { Count: > 0 } ? Metrics(windows) : null;
            return new SeriesBacktest(name, _timestamps.Count, _scored, _warmup, _invalid, span, _anomalies, perDay, metrics);
        }

        private LabelMetrics Metrics(IReadOnlyList<IncidentWindow> windows)
        {
            var inside = _anomalies.Count(a => windows.Any(w => Contains(w, a.Time.ToUnixTimeMilliseconds())));
            var detected = windows.Count(w => _anomalies.Any(a => Contains(w, a.Time.ToUnixTimeMilliseconds())));
            var precision = _anomalies.Count == 0 ? 1.0 : inside / (double)_anomalies.Count;
            var recall = detected / (double)windows.Count;
            var f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            return new LabelMetrics(windows.Count, detected, inside, precision, recall, f1, NabStandard(windows));
        }

        private double NabStandard(IReadOnlyList<IncidentWindow> windows)
        {
            // Windows become row ranges over the points actually seen; a window with no point inside cannot be scored.
            var rows = new List<(int, int)>();
            foreach (var w in windows)
            {
                var first = _timestamps.FindIndex(t => t >= w.StartMs);
                var last = _timestamps.FindLastIndex(t => t <= w.EndMs);
                if (first >= 0 && last >= first)
                {
                    rows.Add((first, last));
                }
            }

            if (rows.Count == 0)
            {
                return double.NaN;
            }

            var data = new TimeSeriesData(name, [.. _timestamps], new double[_timestamps.Count]);
            var corpus = NabCorpus.FromFiles([new NabFile("series/" + name, data, rows)]);
            return new NabScorer(corpus).Score([[.. _unitScores]], NabRunner.DefaultThreshold)[0].Normalized;
        }

        private static bool Contains(IncidentWindow window, long timestampMs) => timestampMs >= window.StartMs && timestampMs <= window.EndMs;
    }
}
