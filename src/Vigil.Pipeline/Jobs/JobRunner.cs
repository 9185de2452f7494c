using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.Core.Tracing;
using Vigil.Exposition;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Lifecycle;
using Vigil.Pipeline.Scheduling;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Tracing;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Jobs;

/// <summary>
/// One job's detection cycle: fetch the points newer than the last one seen, score them in timestamp order with their
/// own timestamps, publish the cycle's verdicts as one batch on the verdict seam.
/// <para>
/// No blind warm-up and no missed points: the <see cref="RangeCursor"/> plans each range (the first reaches back over
/// the detector's history window; later ones start after the last completed range, so a late or skipped cycle catches
/// up and a failed one is retried), the <see cref="SeriesTable"/> warms series that appear later and drops stale ones,
/// and each series' last scored timestamp keeps any point from being scored twice. State is saved and restored in the
/// <see cref="JobStateCodec"/> format.
/// </para>
/// Not thread-safe: the scheduler never overlaps cycles of one job.
/// </summary>
public sealed class JobRunner
{
    private readonly JobOptions _job;
    private readonly IJobInput _input;
    private readonly IDetector _detector;
    private readonly IVerdictSink _verdicts;
    private readonly VigilMetrics _metrics;
    private readonly TimeProvider _wallClock;
    private readonly TimeSpan _staleness;
    private readonly ILogger _logger;
    private readonly ShadowScoring? _shadow;
    private readonly RangeCursor _cursor;
    private readonly SeriesTable _series;
    private readonly VerdictBatch _batch;
    private readonly Counter _predictions;
    private readonly Counter _anomalies;
    private readonly Counter _invalid;
    private readonly Counter _successes;
    private readonly Counter _failures;
    private readonly Gauge _seriesGauge;
    private readonly Gauge _warmingGauge;
    private readonly Gauge? _foreignSeries;
    private readonly Gauge _lastSuccess;
    private readonly Histogram _duration;
    private readonly System.Collections.Concurrent.ConcurrentQueue<SeriesFeedbackRequest> _feedback = new();
    private long _cycleId;
    private long _completedCycles;
    private long _successfulCycles;
    private int _consecutiveFailures;
    private int _inProgress;
    private int _warming;
    private bool _warmupAnnounced;
    private bool _awaitingFirstScores;

    // Series the last non-empty fetch returned (all of them, other shards' included): sizes the catch-up's slices.
    private int _lastFetchedSeries;

    public JobRunner(
        JobOptions job,
        IJobInput input,
        IDetector detector,
        IVerdictSink verdicts,
        VigilMetrics metrics,
        TimeProvider dataClock,
        TimeProvider wallClock,
        TimeSpan staleness,
        ILogger logger,
        ShadowScoring? shadow = null,
        ShardAssignment? shard = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentNullException.ThrowIfNull(metrics);
        if (input.FeatureCount != detector.FeatureCount)
        {
            throw new ArgumentException($"Job {job.Name}: its input gives {input.FeatureCount} values per point but detector {detector.Type} expects {detector.FeatureCount}.", nameof(detector));
        }

        _job = job;
        _input = input;
        _detector = detector;
        _verdicts = verdicts;
        _metrics = metrics;
        DataClock = dataClock;
        _wallClock = wallClock;
        _staleness = staleness;
        _logger = logger;
        _shadow = shadow;
        _cursor = new RangeCursor(job.EffectiveStep, job.Delay, detector.HistoryPoints);
        // A job with a model lifecycle exports model="active" on its own series, beside model="candidate" while shadowing.
        // With sharding, every exported series carries its shard, so a replica that is down shows as a gap.
        _series = new SeriesTable(
            detector,
            job.Labels,
            id =>
            {
                var exported = shard is null ? id : id.With("shard", shard.IndexLabel);
                return shadow is null
                    ? new ScoredSeries(job.Name, exported, detector.Type)
                    : new ScoredSeries(job.Name, ShadowScoring.ActiveLabels(exported), detector.Type, ModelRole.Active);
            },
            shard is null ? null : shard.Owns);
        _foreignSeries = shard is null ? null : metrics.ForeignSeries.WithLabels(job.Name);
        _batch = new VerdictBatch(job.Name);
        _predictions = metrics.Predictions.WithLabels(job.Name);
        _anomalies = metrics.Anomalies.WithLabels(job.Name);
        _invalid = metrics.InvalidSamples.WithLabels(job.Name);
        _successes = metrics.Cycles.WithLabels(job.Name, "success");
        _failures = metrics.Cycles.WithLabels(job.Name, "failure");
        _seriesGauge = metrics.Series.WithLabels(job.Name);
        _warmingGauge = metrics.SeriesWarming.WithLabels(job.Name);
        _lastSuccess = metrics.LastSuccess.WithLabels(job.Name);
        _duration = metrics.CycleDuration.WithLabels(job.Name);
        metrics.Errors.AddJob(job.Name);
    }

    public JobOptions Options => _job;

    public string Name => _job.Name;

    public IDetector Detector => _detector;

    /// <summary>The clock the job's data lives in: the real one, or the replay's accelerated one.</summary>
    public TimeProvider DataClock { get; }

    public long CompletedCycles => Interlocked.Read(ref _completedCycles);

    public bool InProgress => Volatile.Read(ref _inProgress) != 0;

    public long SuccessfulCycles => Interlocked.Read(ref _successfulCycles);

    /// <summary>Cycles failed in a row since the last success (0 after a success).</summary>
    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>This job's part of <c>/readyz</c>; see <see cref="JobReadiness"/>.</summary>
    public (bool Ready, string State) Readiness => JobReadiness.Evaluate(CompletedCycles, InProgress, SuccessfulCycles, ConsecutiveFailures);

    public int SeriesCount => _series.Count;

    /// <summary>Series still warming up after the last cycle (<c>vigil_series_warming</c>); shown in <c>/readyz</c>.</summary>
    public int WarmingSeries => Volatile.Read(ref _warming);

    /// <summary>
    /// How long a series that starts without history warms up at most: the detector's history window in steps. The
    /// first cycle and every new series are warmed from the source's history first, so this is only reached when the
    /// source has none (a new metric, a short retention).
    /// </summary>
    public TimeSpan WarmupDuration => _job.EffectiveStep * _detector.HistoryPoints;

    /// <summary>
    /// Queues operator feedback for the matching series. Thread-safe: it is applied on the job's own loop, in the next
    /// cycle after the fetched series are resolved and warmed (detectors are not thread-safe, and a feedback request
    /// must never race a cycle's <c>Observe</c>), so "at once" means by the next cycle's first scored point.
    /// </summary>
    public void EnqueueFeedback(SeriesFeedbackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _feedback.Enqueue(request);
    }

    /// <summary>Feedback requests not yet applied (they wait for the next cycle that fetched data).</summary>
    public int PendingFeedback => _feedback.Count;

    public async Task<JobCycleResult> RunCycleAsync(CancellationToken cancellationToken)
    {
        var started = _wallClock.GetTimestamp();
        Volatile.Write(ref _inProgress, 1);
        // Started before the log scope, so every line of the cycle carries its trace_id (docs/tracing.md).
        using var activity = PipelineTracing.Source.StartActivity(PipelineTracing.Cycle);
        using var scope = _logger.BeginScope(new CycleScope(_job.Name, ++_cycleId));
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("vigil.job", _job.Name);
            activity.SetTag("vigil.cycle_id", _cycleId);
            activity.SetTag("vigil.detector", _detector.Type);
            activity.SetTag("vigil.source", _job.Source == JobSource.Replay ? "replay" : "prometheus");
        }

        _batch.Clear();
        try
        {
            var result = await RunCoreAsync(cancellationToken);
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("vigil.points", result.Points);
                activity.SetTag("vigil.anomalies", result.Anomalies);
                activity.SetTag("vigil.invalid_samples", result.InvalidSamples);
                activity.SetTag("vigil.series", _series.Count);
            }

            _successes.Inc();
            Interlocked.Increment(ref _successfulCycles);
            Volatile.Write(ref _consecutiveFailures, 0);
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
            Traced.Fail(activity, ex.ErrorType, ex.Message);
            _metrics.CountError(ex.ErrorType, _job.Name);
            _failures.Inc();
            Interlocked.Increment(ref _consecutiveFailures);
            _logger.QueryFailed(ex, _job.Name, ex.ErrorType);
            return JobCycleResult.Failed(ex.ErrorType);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug in one job must not stop the others; it is counted and logged, and the next cycle retries.
            Traced.Fail(activity, ErrorTypes.DataProcessing, ex.Message);
            _metrics.CountError(ErrorTypes.DataProcessing, _job.Name);
            _failures.Inc();
            Interlocked.Increment(ref _consecutiveFailures);
            _logger.CycleCrashed(ex, _job.Name);
            return JobCycleResult.Failed(ErrorTypes.DataProcessing);
        }
        finally
        {
            _batch.Clear();
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

    /// <summary>
    /// Writes the last completed range, the recent history of the job's series from <paramref name="history"/> (so a
    /// restart keeps the charts), and every series' detector state. Call between cycles only.
    /// </summary>
    public int SaveState(Stream stream, RecentHistory? history = null)
        => JobStateCodec.Write(stream, _cursor.LastEnd, StateFingerprint, _series.Detectors, history?.Export(_job.Name, _series.Exported) ?? []);

    /// <summary>
    /// Restores a snapshot written by <see cref="SaveState"/> before the first cycle. The job then asks only for the
    /// points after the snapshot (catching up on the downtime) instead of warming up from scratch.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a job state file, or truncated.</exception>
    public (int Restored, int Skipped) RestoreState(Stream stream, RecentHistory? history = null)
    {
        var header = JobStateCodec.ReadHeader(stream);
        if (header.LastEnd is not { } lastEnd)
        {
            return (0, 0);
        }

        var restored = new Dictionary<Labels, ISeriesDetector>();
        var counts = JobStateCodec.ReadSeries(stream, StateFingerprint, _detector.CreateSeries, (labels, detector) => restored[labels] = detector);
        if (counts.Restored > 0)
        {
            _series.Restore(restored, lastEnd.ToUnixTimeMilliseconds(), DataClock.GetUtcNow());
            _cursor.Restore(lastEnd);
            _seriesGauge.Set(_series.Count);
            // History only for the series restored: those go stale and leave the history like live ones; a series
            // whose detector state was discarded (another fingerprint, another shard) would otherwise stay forever.
            if (history is not null)
            {
                var tracked = _series.Exported.ToHashSet();
                foreach (var entry in header.History.Where(h => tracked.Contains(h.Labels)))
                {
                    history.Import(_job.Name, entry);
                }
            }
        }

        return counts;
    }

    private async Task<JobCycleResult> RunCoreAsync(CancellationToken cancellationToken)
    {
        var now = DataClock.GetUtcNow();
        if (_cursor.Next(now) is not { } range)
        {
            DropStale(now);
            PublishBatch();
            return JobCycleResult.Empty;
        }

        if (range.Behind > 0)
        {
            _logger.CatchUpCapped(_job.Name, range.Behind, RangeCursor.MaxPoints);
        }

        var step = _job.EffectiveStep;
        var caughtUp = JobCycleResult.Empty;
        var slicedCatchUp = false;
        if (range.IsFirst)
        {
            range = await WarmInSlicesAsync(range, step, now, cancellationToken);
        }
        else
        {
            (range, caughtUp, slicedCatchUp) = await CatchUpInSlicesAsync(range, step, now, cancellationToken);
        }

        var batch = await FetchAsync(range.Start, range.End, step, cancellationToken);
        var result = await ScoreRangeAsync(batch, range, step, now, cancellationToken);
        batch.Release(); // scored; nothing below reads it (the verdicts hold the series, not the batch)
        if (range.IsFirst)
        {
            // Before the first publication, not only after it: the two allocations stacked into the process' peak.
            Compaction.Scored();
        }

        _cursor.Complete(range.End);
        DropStale(now);
        _seriesGauge.Set(_series.Count);
        PublishBatch();
        if (range.IsFirst)
        {
            // After the newest part of the first range, not before it: its body and batch (up to a warm-up slice) are
            // garbage as well once it is scored, and nothing else would collect them soon (see WarmupCompaction).
            Compaction.Finished();
        }
        else if (slicedCatchUp)
        {
            // After the catch-up's newest part too: it is where every series' recent history grows from its first
            // buffer to its share (100k dead 8-point arrays), and a steady job would not collect them for hours.
            Compaction.CaughtUp();
        }
        else
        {
            Compaction.Settled();
        }

        return new JobCycleResult(true, caughtUp.Points + result.Points, caughtUp.Anomalies + result.Anomalies, caughtUp.InvalidSamples + result.InvalidSamples, null);
    }

    /// <summary>Resolves, warms (new series), applies feedback to and scores the points of one fetched range into the cycle's batch.</summary>
    private async Task<JobCycleResult> ScoreRangeAsync(SeriesBatch batch, RangePlan range, TimeSpan step, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var states = _series.Resolve(batch, now, range.IsFirst, DuplicateSeries, out var fresh);
        _foreignSeries?.Set(_series.ForeignInLastBatch);
        if (fresh is not null)
        {
            await WarmAsync(fresh, range.Start, step, batch.SeriesCount, cancellationToken);
        }

        ApplyFeedback();
        if (range.IsFirst)
        {
            // The first range publishes only its end: at most one point per series. Sized once, the verdict batch is
            // one array instead of a doubling series from 64 (at 100k series 18.9 MB instead of 14.4, and 18 MB of
            // dead arrays in the first publication's peak).
            _batch.EnsureCapacity(_batch.Count + states.Count);
        }

        using var score = PipelineTracing.Source.StartActivity(PipelineTracing.Score);
        var result = Score(batch, states, range.IsFirst ? range.End.ToUnixTimeMilliseconds() : long.MinValue);
        if (score is { IsAllDataRequested: true })
        {
            score.SetTag("vigil.points", result.Points);
            score.SetTag("vigil.anomalies", result.Anomalies);
        }

        return result;
    }

    /// <summary>
    /// A later range that holds more than <see cref="CatchUpSliceSamples"/> samples (the job fell behind: a first cycle
    /// that warmed for minutes, a restart from saved state, a stalled Prometheus) is fetched, scored and published in
    /// slices of at most that many samples, oldest first, so memory holds one slice's response, batch and verdicts
    /// instead of the whole catch-up. Measured at 100k series after a 15-minute warm-up (docs/benchmarks.md, scale6): the
    /// catch-up cycle asked for 30 steps at once (3 M samples: a 75 MB body, a 48 MB batch and a 240 MB verdict batch
    /// which doubled while it grew) and took the process from 1.2 to 1.58 GB. Each slice is completed on the cursor, so a
    /// failure resumes after the last published slice. Returns the rest of the range, which the cycle fetches as usual.
    /// </summary>
    private async Task<(RangePlan Remaining, JobCycleResult Done, bool Sliced)> CatchUpInSlicesAsync(RangePlan range, TimeSpan step, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sliceSteps = Math.Max(1, CatchUpSliceSamples / Math.Max(1, _lastFetchedSeries));
        int points = 0, anomalies = 0, invalid = 0, slices = 0;
        var start = range.Start;
        while (((range.End - start).Ticks / step.Ticks) + 1 > sliceSteps)
        {
            var end = start + (step * (sliceSteps - 1));
            var slice = await FetchAsync(start, end, step, cancellationToken);
            var part = await ScoreRangeAsync(slice, range with { Start = start, End = end }, step, now, cancellationToken);
            slice.Release();
            points += part.Points;
            anomalies += part.Anomalies;
            invalid += part.InvalidSamples;
            _cursor.Complete(end);
            PublishBatch();
            _batch.Clear();
            slices++;
            // Each slice's garbage is handed back before the next slice is fetched, not once after all of them (until
            // scale8): the first slice drops the warm-up-sized body and batch arrays (its collection returned ≈ 200 MB
            // at 100k series in scale8's run) and the next part grows every series' history, so collecting once let both
            // peak together.
            // Server GC keeps dead large-object-heap memory committed until its next full collection, which a steady
            // job allocating little may not reach for hours.
            Compaction.CaughtUp();
            sliceSteps = Math.Max(1, CatchUpSliceSamples / Math.Max(1, _lastFetchedSeries));
            start = end + step;
        }

        return (range with { Start = start }, new JobCycleResult(true, points, anomalies, invalid, null), slices > 0);
    }

    /// <summary>
    /// The first range reaches back over the detector's whole history window (1,800 steps for <c>auto</c>): at 100k series
    /// one query for it is 180 M samples, past Prometheus' <c>--query.max-samples</c> (50 M) and any sane response limit,
    /// and the job would ask for it again every cycle. So all of it but the newest slice is fetched in slices of at most
    /// <see cref="WarmupSliceSamples"/> samples (the first slice, <see cref="FirstWarmupSliceSteps"/> steps, tells how many
    /// series there are), each learned and dropped before the next is asked for: memory holds one slice, not the window.
    /// Returns the rest of the range, which the cycle fetches and scores as usual. A slice that fails fails the cycle;
    /// the next one plans the first range again and skips what the detectors already learned (a point is never observed twice).
    /// </summary>
    private async Task<RangePlan> WarmInSlicesAsync(RangePlan range, TimeSpan step, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var warmBeforeMs = range.End.ToUnixTimeMilliseconds();
        // A window of at most FirstWarmupSliceSteps is fetched whole by the cycle; a longer one starts with a small probe.
        var wholeSteps = (long)FirstWarmupSliceSteps;
        var sliceSteps = (long)ProbeSliceSteps;
        var start = range.Start;
        while (((range.End - start).Ticks / step.Ticks) + 1 > wholeSteps)
        {
            var end = start + (step * (sliceSteps - 1));
            var slice = await FetchAsync(start, end, step, cancellationToken);
            Score(slice, _series.Resolve(slice, now, first: true, DuplicateSeries, out _), warmBeforeMs);
            sliceSteps = NextSliceSteps(sliceSteps, slice);
            wholeSteps = sliceSteps;
            start = end + step;
            Compaction.Warmed(slice.SampleCount);
            slice.Release(); // learned: its arrays serve the next slice
        }

        return range with { Start = start };
    }

    /// <summary>
    /// Steps of the next warm-up slice after <paramref name="slice"/>: as many as <see cref="WarmupSliceSamples"/> allows
    /// for the series it returned, at most twice the last slice's. An empty slice (the window reaches back before the
    /// source's history begins) keeps the size: it said nothing about how many series there are, and sizing the next
    /// slice for one series made it the whole rest of the window, 174 M samples at 100k series, which Prometheus refuses
    /// (<c>--query.max-samples</c>) on every cycle. The doubling cap covers a window whose first points belong to a few
    /// early series only.
    /// </summary>
    private long NextSliceSteps(long sliceSteps, SeriesBatch slice)
    {
        if (slice.SampleCount == 0)
        {
            return sliceSteps;
        }

        return Math.Clamp(WarmupSliceSamples / Math.Max(1, slice.SeriesCount), 1, sliceSteps * 2);
    }

    /// <summary>Collections during and after a large first warm-up (see <see cref="WarmupCompaction"/>); replaced in tests.</summary>
    internal WarmupCompaction Compaction { get; set; } = new();

    /// <summary>A first range of at most this many steps is fetched in one query, without slices.</summary>
    internal const int FirstWarmupSliceSteps = 60;

    /// <summary>
    /// Steps in the first slice of a longer window: enough to learn how many series the query returns, few enough that
    /// at 100k series it stays at 1 M samples (≈ 25 MB of JSON; a first slice of 60 steps was 6 M samples, ≈ 150 MB of
    /// JSON and 96 MB of batch, at the peak of the warm-up).
    /// </summary>
    internal const int ProbeSliceSteps = 10;

    /// <summary>
    /// Samples (series × steps) one warm-up slice may hold: ≈ 25 MB of JSON, well under every default limit. It was 2 M
    /// until scale10: at 100k mature series each slice's body, batch and the detectors' warm-up garbage (season searches
    /// given up at the 600th point, grown rings) between two collections made the warm-up's peak, 1,029–1,039 MB; with
    /// 1 M (and a collection after every slice, <see cref="WarmupCompaction.EverySamples"/>) it was 990 MB.
    /// </summary>
    internal long WarmupSliceSamples { get; set; } = 1_000_000;

    /// <summary>
    /// Samples one slice of a catch-up may hold (see CatchUpInSlicesAsync): smaller than a warm-up slice because every
    /// point of it is also published, 144 bytes of verdict batch each (<see cref="ScoredPoint"/>), held until the slice
    /// is published: 200k samples are 2 steps at 100k series, ≈ 29 MB of verdicts, about what a steady cycle's body
    /// and batch hold. It was 500k (72 MB of verdicts and a 5-step body on top of the steady state) until scale9; main's
    /// catch-up then rose ≈ 70 MB above the level it settled at (docs/benchmarks.md, scale9).
    /// </summary>
    internal long CatchUpSliceSamples { get; set; } = 200_000;

    private async Task<SeriesBatch> FetchAsync(DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        using var fetch = PipelineTracing.Source.StartActivity(PipelineTracing.Fetch);
        SeriesBatch batch;
        try
        {
            batch = await _input.FetchAsync(start, end, step, cancellationToken);
        }
        catch (MetricSourceException ex) when (Traced.Fail(fetch, ex.ErrorType, ex.Message))
        {
            throw; // never reached: the filter only marks the span
        }

        if (batch.SeriesCount > 0)
        {
            _lastFetchedSeries = batch.SeriesCount;
        }

        if (fetch is { IsAllDataRequested: true })
        {
            fetch.SetTag("vigil.range.start_ms", start.ToUnixTimeMilliseconds());
            fetch.SetTag("vigil.range.end_ms", end.ToUnixTimeMilliseconds());
            fetch.SetTag("vigil.step_ms", (long)step.TotalMilliseconds);
            fetch.SetTag("vigil.series", batch.SeriesCount);
            fetch.SetTag("vigil.samples", batch.SampleCount);
        }

        return batch;
    }

    /// <summary>Hands the cycle's batch to the sinks (/metrics, history, episodes, ...), in one span.</summary>
    private void PublishBatch()
    {
        using var publish = PipelineTracing.Source.StartActivity(PipelineTracing.Publish);
        if (publish is { IsAllDataRequested: true })
        {
            publish.SetTag("vigil.points", _batch.Count);
            publish.SetTag("vigil.removed_series", _batch.Removed.Count);
        }

        _verdicts.Publish(_batch);
    }

    private void ApplyFeedback()
    {
        while (_feedback.TryDequeue(out var request))
        {
            var applied = 0;
            foreach (var (labels, detector) in _series.Detectors)
            {
                if (request.Matches(labels) && detector is ISeriesFeedback target && target.ApplyFeedback(request.Kind, request.FromMs, request.ToMs))
                {
                    applied++;
                }
            }

            _logger.FeedbackApplied(_job.Name, request.Kind.ToString(), request.FromMs, request.ToMs, applied);
        }
    }

    private void DuplicateSeries(Labels id)
    {
        _metrics.CountError(ErrorTypes.DataProcessing, _job.Name);
        _logger.DuplicateSeries(_job.Name, id.ToString());
    }

    /// <summary>
    /// Feeds new series the history before <paramref name="start"/>, so they are scored from their first live point. The
    /// query cannot be narrowed to the new series (it is any PromQL), so the history of all <paramref name="seriesCount"/>
    /// series is read to warm them: in slices of at most <see cref="WarmupSliceSamples"/> samples, as the first range, and
    /// of at most <see cref="FreshWarmupMaxSamples"/> samples in all, the most recent part of the window. At 100k series
    /// the whole window (180 M samples for <c>auto</c>) would be refused by Prometheus and would hold up the cycle for
    /// about 90 queries each time a pod restarts; 200 steps are enough for every detector's maturity, and the rest of the
    /// history (e.g. the daily profile's day) is learned from live points.
    /// </summary>
    private async Task WarmAsync(Dictionary<Labels, SeriesState> fresh, DateTimeOffset start, TimeSpan step, int seriesCount, CancellationToken cancellationToken)
    {
        using var warm = PipelineTracing.Source.StartActivity(PipelineTracing.Warm);
        warm?.SetTag("vigil.fresh_series", fresh.Count);
        var (from, to) = _cursor.WarmupRange(start);
        var perStep = Math.Max(1, seriesCount);
        var steps = ((to - from).Ticks / step.Ticks) + 1;
        var maxSteps = Math.Max(1, FreshWarmupMaxSamples / perStep);
        if (steps > maxSteps)
        {
            from = to - (step * (maxSteps - 1));
        }

        var sliceSteps = Math.Max(1, WarmupSliceSamples / perStep);
        int fed = 0, returned = 0;
        for (var sliceStart = from; sliceStart <= to;)
        {
            var sliceEnd = sliceStart + (step * (sliceSteps - 1));
            if (sliceEnd > to)
            {
                sliceEnd = to;
            }

            SeriesBatch history;
            try
            {
                history = await _input.FetchAsync(sliceStart, sliceEnd, step, cancellationToken);
            }
            catch (MetricSourceException ex)
            {
                // The new series keep what the slices before gave them and learn the rest from live points.
                Traced.Fail(warm, ex.ErrorType, ex.Message);
                _metrics.CountError(ex.ErrorType, _job.Name);
                _logger.WarmupFailed(ex, _job.Name, fresh.Count);
                return;
            }

            fed += _series.Warm(history, fresh);
            returned = Math.Max(returned, history.SeriesCount);
            history.Release();
            sliceStart = sliceEnd + step;
        }

        _logger.Warmed(_job.Name, returned, fed);
    }

    /// <summary>Samples (series × steps) read at most to warm series that appear after the first cycle (see WarmAsync).</summary>
    internal long FreshWarmupMaxSamples { get; set; } = 20_000_000;

    // warmBeforeMs: points strictly before it are warm-up: learned, neither published nor counted.
    private JobCycleResult Score(SeriesBatch batch, List<(int Index, SeriesState State)> states, long warmBeforeMs)
    {
        _shadow?.BeginCycle(_batch);
        if (warmBeforeMs == long.MinValue)
        {
            ReservePublished(batch, states);
        }

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
                    _metrics.CountError(ErrorTypes.ModelPredict, _job.Name);
                    _logger.DetectorFailed(ex, _job.Name, state.Series.Labels.ToString());
                    break;
                }

                state.LastTimestampMs = t;
                if (t < warmBeforeMs)
                {
                    continue;
                }

                _batch.Add(new ScoredPoint(state.Series, t, features[0], verdict));
                if (verdict.Kind == VerdictKind.Invalid)
                {
                    invalid++;
                    continue;
                }

                _series.SetWarming(state, verdict.Kind == VerdictKind.Warmup);
                if (verdict.Kind != VerdictKind.Scored)
                {
                    continue; // a warm-up verdict is published (status warmup) but is no prediction (docs/metrics.md)
                }

                points++;

                _shadow?.Observe(state.Id, t, features, _batch);
                if (verdict.IsAnomaly)
                {
                    anomalies++;
                    if (_logger.IsEnabled(LogLevel.Information))
                    {
                        // Checked first: the labels' text was built for every anomaly even with the line switched off
                        // (StringBuilder, char[] and string: ≈ 87 MB in 45 s of a 100k-series catch-up, scale6's trace).
                        _logger.Anomaly(_job.Name, state.Series.Labels.ToString(), features[0], verdict.Expected, verdict.Lower, verdict.Upper, verdict.Score);
                    }
                }
            }
        }

        _predictions.Inc(points);
        _anomalies.Inc(anomalies);
        _invalid.Inc(invalid);
        ReportWarmup(points);
        return new JobCycleResult(true, points, anomalies, invalid, null);
    }

    /// <summary>
    /// Room in the cycle's verdict batch for every point of the owned series in <paramref name="batch"/> (all of them
    /// are published when none is warm-up), so a catch-up slice's 500k points take one array, not a doubling series.
    /// </summary>
    private void ReservePublished(SeriesBatch batch, List<(int Index, SeriesState State)> states)
    {
        // Every series owned (one shard, the usual case): the batch's own count, without a walk over 100k states each cycle.
        long owned = states.Count == batch.SeriesCount ? batch.SampleCount : 0;
        if (states.Count != batch.SeriesCount)
        {
            foreach (var (index, _) in states)
            {
                owned += batch.GetTimestamps(index).Length;
            }
        }

        _batch.EnsureCapacity((int)Math.Min(Array.MaxLength, _batch.Count + owned));
    }

    /// <summary>
    /// Exports how many series are still warming and logs the two moments a new user waits for: series start warming
    /// (with how long that takes at most) and the first scores after a warm-up. One line each, not one per cycle.
    /// </summary>
    private void ReportWarmup(int scored)
    {
        var warming = _series.CountWarming();
        Volatile.Write(ref _warming, warming);
        _warmingGauge.Set(warming);
        if (warming > 0 && !_warmupAnnounced)
        {
            _warmupAnnounced = true;
            _awaitingFirstScores = true;
            _logger.WarmupStarted(_job.Name, warming, WarmupDuration);
        }

        if (_awaitingFirstScores && scored > 0)
        {
            _awaitingFirstScores = false;
            _logger.FirstScores(_job.Name, scored, warming);
        }

        if (warming == 0)
        {
            _warmupAnnounced = false; // a later warm-up (new series without history) is announced again
        }
    }

    private void DropStale(DateTimeOffset now)
    {
        if (_series.DropStale(now - _staleness) is not { } stale)
        {
            return;
        }

        foreach (var state in stale)
        {
            _batch.AddRemoved(state.Series);
            _shadow?.Remove(state.Id, _batch);
        }

        _seriesGauge.Set(_series.Count);
        _logger.DroppedStale(_job.Name, stale.Count, _staleness);
    }
}
