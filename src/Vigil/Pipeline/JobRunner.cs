using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.Exposition;
using Vigil.Telemetry;

namespace Vigil.Pipeline;

/// <summary>
/// One job's detection loop body: fetch the points newer than the last one seen, score them in timestamp order
/// with their own timestamps, publish the verdicts. Holds the per-series detector state.
/// <para>
/// No blind warm-up and no missed points: the first cycle (and every series that appears later) is warmed from
/// a range query over the detector's history window; after that each cycle asks only for the steps after the last
/// one completed, so a late or skipped cycle catches up and a failed one is retried, while no point is scored twice.
/// </para>
/// Not thread-safe: the scheduler never overlaps cycles of one job.
/// </summary>
public sealed class JobRunner
{
    /// <summary>Prometheus refuses range queries of more than 11,000 points per series.</summary>
    public const int MaxPointsPerQuery = 11_000;

    private readonly JobOptions _job;
    private readonly IJobInput _input;
    private readonly IDetector _detector;
    private readonly ScoreStore _store;
    private readonly VigilMetrics _metrics;
    private readonly TimeProvider _wallClock;
    private readonly TimeSpan _staleness;
    private readonly ILogger _logger;
    private readonly ShadowScoring? _shadow;
    private readonly Dictionary<Labels, SeriesState> _series = [];
    private readonly Counter _predictions;
    private readonly Counter _anomalies;
    private readonly Counter _invalid;
    private readonly Counter _successes;
    private readonly Counter _failures;
    private readonly Gauge _seriesGauge;
    private readonly Gauge _lastSuccess;
    private readonly Histogram _duration;
    private DateTimeOffset? _lastEnd;
    private long _cycleId;
    private long _completedCycles;
    private int _inProgress;

    public JobRunner(
        JobOptions job,
        IJobInput input,
        IDetector detector,
        ScoreStore store,
        VigilMetrics metrics,
        TimeProvider dataClock,
        TimeProvider wallClock,
        TimeSpan staleness,
        ILogger logger,
        ShadowScoring? shadow = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(metrics);
        if (input.FeatureCount != detector.FeatureCount)
        {
            throw new ArgumentException($"Job {job.Name}: its input gives {input.FeatureCount} values per point but detector {detector.Type} expects {detector.FeatureCount}.", nameof(detector));
        }

        _job = job;
        _input = input;
        _detector = detector;
        _store = store;
        _metrics = metrics;
        DataClock = dataClock;
        _wallClock = wallClock;
        _staleness = staleness;
        _logger = logger;
        _shadow = shadow;
        _predictions = metrics.Predictions.WithLabels(job.Name);
        _anomalies = metrics.Anomalies.WithLabels(job.Name);
        _invalid = metrics.InvalidSamples.WithLabels(job.Name);
        _successes = metrics.Cycles.WithLabels(job.Name, "success");
        _failures = metrics.Cycles.WithLabels(job.Name, "failure");
        _seriesGauge = metrics.Series.WithLabels(job.Name);
        _lastSuccess = metrics.LastSuccess.WithLabels(job.Name);
        _duration = metrics.CycleDuration.WithLabels(job.Name);
    }

    public JobOptions Options => _job;

    public string Name => _job.Name;

    public IDetector Detector => _detector;

    /// <summary>The clock the job's data lives in: the real one, or the replay's accelerated one.</summary>
    public TimeProvider DataClock { get; }

    public long CompletedCycles => Interlocked.Read(ref _completedCycles);

    public bool InProgress => Volatile.Read(ref _inProgress) != 0;

    public int SeriesCount => _series.Count;

    public async Task<CycleResult> RunCycleAsync(CancellationToken cancellationToken)
    {
        var started = _wallClock.GetTimestamp();
        Volatile.Write(ref _inProgress, 1);
        using var scope = _logger.BeginScope(new CycleScope(_job.Name, ++_cycleId));
        try
        {
            var result = await RunCoreAsync(cancellationToken);
            _successes.Inc();
            _lastSuccess.Set(_wallClock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
            _logger.CycleDone(_job.Name, result.Points, _series.Count, result.Anomalies, _wallClock.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (MetricSourceException ex)
        {
            _metrics.CountError(ex.ErrorType);
            _failures.Inc();
            _logger.QueryFailed(ex, _job.Name, ex.ErrorType);
            return CycleResult.Failed(ex.ErrorType);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug in one job must not stop the others; it is counted and logged, and the next cycle retries.
            _metrics.CountError(ErrorTypes.DataProcessing);
            _failures.Inc();
            _logger.CycleCrashed(ex, _job.Name);
            return CycleResult.Failed(ErrorTypes.DataProcessing);
        }
        finally
        {
            _duration.Observe(_wallClock.GetElapsedTime(started).TotalSeconds);
            Interlocked.Increment(ref _completedCycles);
            Volatile.Write(ref _inProgress, 0);
        }
    }

    /// <summary>
    /// Identifies what the saved state means: detector type and parameters, query and step. A snapshot taken
    /// under another fingerprint is discarded rather than restored into detectors it does not fit.
    /// </summary>
    public string StateFingerprint => $"{DetectorSnapshot.Fingerprint(_job.Detector)}|query={_job.Query}|step={_job.EffectiveStep.Ticks}";

    /// <summary>Writes the last completed range and every series' detector state. Call between cycles only.</summary>
    public int SaveState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(StateMagic);
            writer.Write(_lastEnd?.UtcTicks ?? -1);
        }

        return DetectorSnapshot.Write(stream, StateFingerprint, _series.Select(s => KeyValuePair.Create(s.Key, s.Value.Detector)));
    }

    /// <summary>
    /// Restores a snapshot written by <see cref="SaveState"/> before the first cycle. The job then asks only for the
    /// points after the snapshot (catching up on the downtime) instead of warming up from scratch.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a job state file, or truncated.</exception>
    public (int Restored, int Skipped) RestoreState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long lastEndTicks;
        using (var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            if (!reader.ReadBytes(StateMagic.Length).AsSpan().SequenceEqual(StateMagic))
            {
                throw new InvalidDataException("Not a Vigil job state file.");
            }

            lastEndTicks = reader.ReadInt64();
        }

        if (lastEndTicks < 0)
        {
            return (0, 0);
        }

        var lastEnd = new DateTimeOffset(lastEndTicks, TimeSpan.Zero);
        var lastEndMs = lastEnd.ToUnixTimeMilliseconds();
        var now = DataClock.GetUtcNow();
        var restored = new Dictionary<Labels, SeriesState>();
        var counts = DetectorSnapshot.Read(stream, StateFingerprint, _detector.CreateSeries, (labels, detector) =>
            restored[labels] = new SeriesState(labels, detector, _store.GetOrAdd(_job.Name, EntryLabels(labels))) { LastTimestampMs = lastEndMs, LastSeen = now });
        if (counts.Restored > 0)
        {
            _series.Clear();
            foreach (var (labels, state) in restored)
            {
                _series[labels] = state;
            }

            _lastEnd = lastEnd;
            _seriesGauge.Set(_series.Count);
        }

        return counts;
    }

    private static readonly byte[] StateMagic = "VGJ1"u8.ToArray();

    private async Task<CycleResult> RunCoreAsync(CancellationToken cancellationToken)
    {
        var step = _job.EffectiveStep;
        var now = DataClock.GetUtcNow();
        var end = AlignDown(now - _job.Delay, step);
        var first = _lastEnd is null;
        DateTimeOffset start;
        if (first)
        {
            start = end - (step * Math.Min(_detector.HistoryPoints, MaxPointsPerQuery - 1));
        }
        else
        {
            start = _lastEnd!.Value + step;
            if (start > end)
            {
                DropStale(now);
                return CycleResult.Empty;
            }

            var behind = ((end - start).Ticks / step.Ticks) + 1;
            if (behind > MaxPointsPerQuery)
            {
                _logger.CatchUpCapped(_job.Name, behind, MaxPointsPerQuery);
                start = end - (step * (MaxPointsPerQuery - 1));
            }
        }

        var batch = await _input.FetchAsync(start, end, step, cancellationToken);
        var states = await ResolveSeriesAsync(batch, first, start, step, now, cancellationToken);
        var result = Score(batch, states, first ? end.ToUnixTimeMilliseconds() : long.MinValue);
        _lastEnd = end;
        DropStale(now);
        _seriesGauge.Set(_series.Count);
        return result;
    }

    private async Task<List<(int Index, SeriesState State)>> ResolveSeriesAsync(
        SeriesBatch batch, bool first, DateTimeOffset start, TimeSpan step, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var states = new List<(int, SeriesState)>(batch.SeriesCount);
        var seen = new HashSet<Labels>();
        var fresh = new Dictionary<Labels, SeriesState>();
        for (var i = 0; i < batch.SeriesCount; i++)
        {
            var id = _job.Labels is null ? batch.GetLabels(i) : batch.GetLabels(i).Keep(_job.Labels);
            if (!seen.Add(id))
            {
                _metrics.CountError(ErrorTypes.DataProcessing);
                _logger.DuplicateSeries(_job.Name, id.ToString());
                continue;
            }

            if (!_series.TryGetValue(id, out var state))
            {
                state = new SeriesState(id, _detector.CreateSeries(), _store.GetOrAdd(_job.Name, EntryLabels(id)));
                _series.Add(id, state);
                if (!first)
                {
                    fresh.Add(id, state);
                }
            }

            state.LastSeen = now;
            states.Add((i, state));
        }

        if (fresh.Count > 0)
        {
            await WarmAsync(fresh, start, step, cancellationToken);
        }

        return states;
    }

    /// <summary>Feeds a new series the history before <paramref name="start"/>, so it is scored from its first live point.</summary>
    private async Task WarmAsync(Dictionary<Labels, SeriesState> fresh, DateTimeOffset start, TimeSpan step, CancellationToken cancellationToken)
    {
        SeriesBatch history;
        try
        {
            var points = Math.Min(_detector.HistoryPoints, MaxPointsPerQuery);
            history = await _input.FetchAsync(start - (step * points), start - step, step, cancellationToken);
        }
        catch (MetricSourceException ex)
        {
            _metrics.CountError(ex.ErrorType);
            _logger.WarmupFailed(ex, _job.Name, fresh.Count);
            return;
        }

        var fed = 0;
        for (var i = 0; i < history.SeriesCount; i++)
        {
            var id = _job.Labels is null ? history.GetLabels(i) : history.GetLabels(i).Keep(_job.Labels);
            if (!fresh.Remove(id, out var state))
            {
                continue;
            }

            var timestamps = history.GetTimestamps(i);
            var values = history.GetValues(i);
            var width = history.FeatureCount;
            for (var j = 0; j < timestamps.Length; j++)
            {
                state.Detector.Observe(timestamps[j], values.Slice(j * width, width));
                state.LastTimestampMs = timestamps[j];
                fed++;
            }
        }

        _logger.Warmed(_job.Name, history.SeriesCount, fed);
    }

    // warmBeforeMs: points strictly before it are warm-up: learned, neither exported nor counted.
    private CycleResult Score(SeriesBatch batch, List<(int Index, SeriesState State)> states, long warmBeforeMs)
    {
        _shadow?.BeginCycle();
        var width = batch.FeatureCount;
        int points = 0, anomalies = 0, invalid = 0;
        foreach (var (index, state) in states)
        {
            var timestamps = batch.GetTimestamps(index);
            var values = batch.GetValues(index);
            for (var j = 0; j < timestamps.Length; j++)
            {
                var t = timestamps[j];
                if (t <= state.LastTimestampMs)
                {
                    continue; // already scored: a point is never scored twice
                }

                var features = values.Slice(j * width, width);
                Verdict verdict;
                try
                {
                    verdict = state.Detector.Observe(t, features);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    _metrics.CountError(ErrorTypes.ModelPredict);
                    _logger.DetectorFailed(ex, _job.Name, state.Entry.SeriesLabels.ToString());
                    break;
                }

                state.LastTimestampMs = t;
                if (t < warmBeforeMs)
                {
                    continue;
                }

                if (verdict.Kind == VerdictKind.Invalid)
                {
                    invalid++;
                    continue;
                }

                points++;
                if (verdict.Kind != VerdictKind.Scored)
                {
                    continue;
                }

                state.Entry.Update(verdict, t);
                _shadow?.Observe(state.Id, t, features);
                if (verdict.IsAnomaly)
                {
                    anomalies++;
                    _logger.Anomaly(_job.Name, state.Entry.SeriesLabels.ToString(), features[0], verdict.Expected, verdict.Lower, verdict.Upper, verdict.Score);
                }
            }
        }

        _predictions.Inc(points);
        _anomalies.Inc(anomalies);
        _invalid.Inc(invalid);
        return new CycleResult(true, points, anomalies, invalid, null);
    }

    private void DropStale(DateTimeOffset now)
    {
        var cutoff = now - _staleness;
        List<Labels>? stale = null;
        foreach (var (id, state) in _series)
        {
            if (state.LastSeen < cutoff)
            {
                (stale ??= []).Add(id);
            }
        }

        if (stale is null)
        {
            return;
        }

        foreach (var id in stale)
        {
            _store.Remove(_series[id].Entry);
            _shadow?.Remove(id);
            _series.Remove(id);
        }

        _seriesGauge.Set(_series.Count);
        _logger.DroppedStale(_job.Name, stale.Count, _staleness);
    }

    // A job with a model lifecycle exports model="active" on its own series, beside model="candidate" while shadowing.
    private Labels EntryLabels(Labels id) => _shadow is null ? id : ShadowScoring.ActiveLabels(id);

    /// <summary>Range queries evaluate at start + k·step; aligning to the step keeps timestamps identical across cycles.</summary>
    internal static DateTimeOffset AlignDown(DateTimeOffset time, TimeSpan step)
    {
        var ticks = time.UtcTicks - (time.UtcTicks % step.Ticks);
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    private sealed class SeriesState(Labels id, ISeriesDetector detector, ScoreEntry entry)
    {
        /// <summary>The series' identity in the job (its labels, before any export label).</summary>
        public Labels Id { get; } = id;

        public ISeriesDetector Detector { get; } = detector;

        public ScoreEntry Entry { get; } = entry;

        public long LastTimestampMs { get; set; } = long.MinValue;

        public DateTimeOffset LastSeen { get; set; }
    }
}

public sealed record CycleResult(bool Success, int Points, int Anomalies, int InvalidSamples, string? ErrorType)
{
    public static CycleResult Empty { get; } = new(true, 0, 0, 0, null);

    public static CycleResult Failed(string errorType) => new(false, 0, 0, 0, errorType);
}
