using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Detection;
using Vigil.Core.Detectors.RollingSigma;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Lifecycle;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Verdicts;
using Vigil.Pipeline.Replay;
using Vigil.Pipeline.Tests.Fakes;

namespace Vigil.Pipeline.Tests.Jobs;

public sealed class JobRunnerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);
    private static readonly Labels NodeA = Labels.From(new Label("instance", "a"), new Label("job", "node"));
    private static readonly Labels NodeB = Labels.From(new Label("instance", "b"), new Label("job", "node"));

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly FakeInput _input = new();
    private readonly MetricRegistry _registry = new();
    private readonly ScoreStore _store = new();
    private readonly CapturingLogger _logger = new();
    private readonly VigilMetrics _metrics;

    public JobRunnerTests()
    {
        _metrics = new VigilMetrics(_registry);
        _registry.Register(_store);
    }

    [Fact]
    public async Task RunCycle_FirstCycle_WarmsFromHistoryAndPublishesLatestPoint()
    {
        _input.Set(NodeA, Wiggle(10));
        var sut = CreateSut(window: 20);

        var result = await sut.RunCycleAsync(CancellationToken.None);

        Assert.True(result.Success);
        var request = Assert.Single(_input.Requests);
        Assert.Equal(Start - (Step * 20), request.Start);
        Assert.Equal(Start, request.End);
        Assert.Equal(1, result.Points); // history is warm-up: only the newest point is a prediction
        var text = MetricsText.Render(_registry);
        Assert.Equal(1, MetricsText.Value(text, "vigil_predictions_total{job=\"cpu\"}"));
        var score = MetricsText.Value(text, "vigil_anomaly_score{exported_job=\"node\",instance=\"a\",job=\"cpu\"}");
        Assert.NotNull(score);
        Assert.InRange(score!.Value, 0, 1);
        Assert.NotNull(MetricsText.Value(text, "vigil_last_successful_run_timestamp_seconds{job=\"cpu\"}"));
    }

    [Fact]
    public async Task RunCycle_FirstRangeLongerThanASlice_WarmsInContiguousBoundedSlicesWithTheSameVerdict()
    {
        // 301 steps of history for two series, at most 300 samples a slice after the first: the first slice (a probe)
        // is 10 steps, the next ones at most twice the last and at most 150 (300 / 2 series), and the newest part is
        // fetched and scored as usual.
        _input.Set(NodeA, Wiggle(10));
        _input.Set(NodeB, Wiggle(20));
        var sut = CreateSut(window: 300);
        sut.WarmupSliceSamples = 300;
        var collections = 0;
        sut.Compaction = new WarmupCompaction { EverySamples = 200, Collect = () => collections++ };

        var result = await sut.RunCycleAsync(CancellationToken.None);

        Assert.True(result.Success);
        Assert.Equal(2, result.Points); // only the newest point of each series is a prediction
        var requests = _input.Requests;
        Assert.Equal(Start - (Step * 300), requests[0].Start);
        Assert.Equal(Start, requests[^1].End);
        Assert.Equal(
            [JobRunner.ProbeSliceSteps, 20, 40, 80, 150, 1],
            requests.Select(r => (int)((r.End - r.Start) / Step) + 1));
        for (var i = 1; i < requests.Count; i++)
        {
            Assert.Equal(requests[i - 1].End + Step, requests[i].Start); // contiguous: no point missed, none twice
        }

        // The detector learned exactly what one query would have given it: the same verdict for the newest point.
        var series = new RollingSigmaDetector(new RollingSigmaOptions { Window = 300, MinPoints = 150 }).CreateSeries();
        var expected = default(Verdict);
        for (var t = Start - (Step * 300); t <= Start; t += Step)
        {
            expected = series.Observe(t.ToUnixTimeMilliseconds(), Wiggle(10)(t));
        }

        var score = MetricsText.Value(MetricsText.Render(_registry), "vigil_anomaly_score{exported_job=\"node\",instance=\"a\",job=\"cpu\"}");
        Assert.Equal(expected.Score, score!.Value, 12);
        // 600 samples warmed in slices of 20, 40, 80, 160 and 300: collected when 300 had accumulated, after the last
        // slice, after the newest part is scored (before the first publication) and after the publication. The
        // collections change memory only, never a verdict (the score above).
        Assert.Equal(4, collections);
    }

    [Fact]
    public async Task RunCycle_WindowReachesBackBeforeTheHistory_EmptySlicesDoNotGrowTheNextSlice()
    {
        // The source holds 100 steps of history, the window is 300: the empty slices before the history began must not
        // size the next slice for "one series" (which made it the whole rest of the window: 174 M samples at 100k series,
        // refused by Prometheus' --query.max-samples on every cycle, so the job never warmed).
        _input.Set(NodeA, Wiggle(10), Start - (Step * 100));
        _input.Set(NodeB, Wiggle(20), Start - (Step * 100));
        var sut = CreateSut(window: 300);
        sut.WarmupSliceSamples = 100;

        var result = await sut.RunCycleAsync(CancellationToken.None);

        Assert.True(result.Success);
        var requests = _input.Requests;
        Assert.All(requests, r => Assert.InRange((int)((r.End - r.Start) / Step) + 1, 1, 50)); // 100 samples / 2 series
        Assert.Equal(Start - (Step * 300), requests[0].Start);
        Assert.Equal(Start, requests[^1].End);
        for (var i = 1; i < requests.Count; i++)
        {
            Assert.Equal(requests[i - 1].End + Step, requests[i].Start);
        }
    }

    [Fact]
    public async Task RunCycle_FarBehind_CatchesUpInBoundedSlicesEachPublishedBeforeTheNext()
    {
        // 35 steps behind (a first cycle that warmed for half an hour, a restart from saved state) with two series and
        // at most 20 samples a slice: 10 steps a query, each slice's verdicts published before the next is fetched, so
        // memory holds one slice; every point scored once, in order, with the verdict one query would have given.
        _input.Set(NodeA, Wiggle(10));
        _input.Set(NodeB, Wiggle(20));
        var published = new List<int>();
        var sut = CreateSut(window: 20, sink: new CountingSink(_store, published));
        await sut.RunCycleAsync(CancellationToken.None);
        sut.CatchUpSliceSamples = 20;
        var collectedAfterRequest = new List<int>();
        sut.Compaction = new WarmupCompaction { Collect = () => collectedAfterRequest.Add(_input.Requests.Count) };
        _clock.Advance(Step * 35);
        var before = _input.Requests.Count;

        var result = await sut.RunCycleAsync(CancellationToken.None);

        Assert.True(result.Success);
        Assert.Equal(70, result.Points);
        var requests = _input.Requests.Skip(before).ToList();
        Assert.Equal([10, 10, 10, 5], requests.Select(r => (int)((r.End - r.Start) / Step) + 1));
        Assert.Equal(Start + Step, requests[0].Start);
        Assert.Equal(Start + (Step * 35), requests[^1].End);
        for (var i = 1; i < requests.Count; i++)
        {
            Assert.Equal(requests[i - 1].End + Step, requests[i].Start);
        }

        Assert.Equal([20, 20, 20, 10], published.Skip(1)); // the first cycle published one point per series
        // Each slice's garbage handed back before the next slice is fetched, and the newest part's after it.
        Assert.Equal([before + 1, before + 2, before + 3, before + 4], collectedAfterRequest);

        var series = new RollingSigmaDetector(new RollingSigmaOptions { Window = 20, MinPoints = 10 }).CreateSeries();
        var expected = default(Verdict);
        for (var t = Start - (Step * 20); t <= Start + (Step * 35); t += Step)
        {
            expected = series.Observe(t.ToUnixTimeMilliseconds(), Wiggle(10)(t));
        }

        var score = MetricsText.Value(MetricsText.Render(_registry), "vigil_anomaly_score{exported_job=\"node\",instance=\"a\",job=\"cpu\"}");
        Assert.Equal(expected.Score, score!.Value, 12);
    }

    [Fact]
    public async Task RunCycle_FarBehindWithManySeries_DefaultSlicesHoldAtMost200kSamples()
    {
        // 40,000 series, 12 steps behind: the default bound (200k samples: 2 steps at 100k series, whose 144-byte verdicts
        // a slice holds until it is published) gives 5-step slices, then the 2-step rest.
        for (var i = 0; i < 40_000; i++)
        {
            _input.Set(Labels.From(new Label("instance", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Label("job", "node")), _ => 1.0);
        }

        var sut = CreateSut(window: 20);
        await sut.RunCycleAsync(CancellationToken.None);
        sut.Compaction = new WarmupCompaction { Collect = () => { } };
        _clock.Advance(Step * 12);
        var before = _input.Requests.Count;

        var result = await sut.RunCycleAsync(CancellationToken.None);

        Assert.Equal(480_000, result.Points);
        Assert.Equal([5, 5, 2], _input.Requests.Skip(before).Select(r => (int)((r.End - r.Start) / Step) + 1));
    }

    [Fact]
    public async Task RunCycle_CatchUpSlice_VerdictBatchSizedOnceToTheSliceNotByDoubling()
    {
        // A catch-up slice publishes every point it fetched: 300 for 2 series × 150 steps. Grown by doubling from 64
        // the batch would reach 512 and leave 64 … 256 behind; sized from the slice it is one array of exactly 300.
        _input.Set(NodeA, Wiggle(10));
        _input.Set(NodeB, Wiggle(20));
        var capacities = new List<int>();
        var sut = CreateSut(window: 20, sink: new CapacitySink(_store, capacities));
        await sut.RunCycleAsync(CancellationToken.None);
        sut.CatchUpSliceSamples = 300;
        sut.Compaction = new WarmupCompaction { Collect = () => { } };
        _clock.Advance(Step * 200);

        var result = await sut.RunCycleAsync(CancellationToken.None);

        Assert.Equal(400, result.Points);
        Assert.Equal([300, 300], capacities.Skip(1)); // the slice, then the 50-step rest (100 points) in the same array
    }

    [Fact]
    public async Task RunCycle_LargeFirstWarmup_CollectsBetweenTheNewestPartAndTheFirstPublication()
    {
        // The first publication (every series' history buffer, score entry and episode box created) must not stack on
        // the newest part's garbage: one collection after it is scored and before the sinks see it, one after.
        _input.Set(NodeA, Wiggle(10));
        _input.Set(NodeB, Wiggle(20));
        var published = new List<int>();
        var sut = CreateSut(window: 300, sink: new CountingSink(_store, published));
        sut.WarmupSliceSamples = 300;
        var collectionsAtPublish = new List<int>();
        var collections = 0;
        sut.Compaction = new WarmupCompaction
        {
            EverySamples = 200,
            Collect = () =>
            {
                collections++;
                collectionsAtPublish.Add(published.Count);
            },
        };

        await sut.RunCycleAsync(CancellationToken.None);

        Assert.Equal([2], published); // one publication: the newest point of each series
        Assert.Equal([0, 0, 0, 1], collectionsAtPublish); // two in the slices, one before the publication, one after
    }

    [Fact]
    public async Task RunCycle_FirstRange_VerdictBatchSizedOnceToTheSeriesNotByDoubling()
    {
        // The first range publishes one point per series (its end): 100 series take one array of 100, not the doubling
        // 64 → 128 (at 100k series 18.9 MB instead of 14.4, and the smaller arrays left in the first publication's peak).
        for (var i = 0; i < 100; i++)
        {
            _input.Set(Labels.From(new Label("instance", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Label("job", "node")), _ => 1.0);
        }

        var capacities = new List<int>();
        var sut = CreateSut(window: 20, sink: new CapacitySink(_store, capacities));

        await sut.RunCycleAsync(CancellationToken.None);

        Assert.Equal([100], capacities);
    }

    [Fact]
    public async Task RunCycle_NotBehind_NoCollection()
    {
        // A steady cycle (one new step) never collects: only a sliced catch-up or a large first warm-up does.
        _input.Set(NodeA, Wiggle(10));
        var sut = CreateSut(window: 20);
        var collections = 0;
        sut.Compaction = new WarmupCompaction { Collect = () => collections++ };
        await sut.RunCycleAsync(CancellationToken.None);
        _clock.Advance(Step);

        await sut.RunCycleAsync(CancellationToken.None);

        Assert.Equal(0, collections);
    }

    [Fact]
    public async Task RunCycle_CatchUpSliceFails_NextCycleResumesAfterTheLastPublishedSlice()
    {
        _input.Set(NodeA, Wiggle(10));
        var sut = CreateSut(window: 20);
        await sut.RunCycleAsync(CancellationToken.None);
        sut.CatchUpSliceSamples = 10;
        sut.Compaction = new WarmupCompaction { Collect = () => { } };
        _clock.Advance(Step * 25);
        var before = _input.Requests.Count;
        _input.FailAfter(before + 2); // the third slice fails

        var failed = await sut.RunCycleAsync(CancellationToken.None);
        var resumed = await sut.RunCycleAsync(CancellationToken.None);

        Assert.False(failed.Success);
        Assert.True(resumed.Success);
        Assert.Equal(5, resumed.Points); // the 20 points of the two published slices are not scored again
        Assert.Equal(Start + (Step * 21), _input.Requests[before + 3].Start);
    }

    [Fact]
    public async Task RunCycle_LaterCycles_AskOnlyForNewPointsAndNeverScoreOneTwice()
    {
        _input.Set(NodeA, Wiggle(10));
        var sut = CreateSut(window: 20);
        await sut.RunCycleAsync(CancellationToken.None);

        _clock.Advance(Step * 3); // a late cycle: three steps have passed
        var result = await sut.RunCycleAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(20)); // too early for a new step
        var empty = await sut.RunCycleAsync(CancellationToken.None);

        Assert.Equal((Start + Step, Start + (Step * 3)), (_input.Requests[1].Start, _input.Requests[1].End));
        Assert.Equal(3, result.Points);
        Assert.Equal(0, empty.Points);
        Assert.Equal(2, _input.Requests.Count);
        Assert.Equal(4, _metrics.Predictions.WithLabels("cpu").Value);
    }

    [Fact]
    public async Task RunCycle_QueryFails_CountsPrometheusQueryErrorAndRetriesSameRangeNextCycle()
    {
        _input.Set(NodeA, Wiggle(10));
        var sut = CreateSut(window: 20);
        await sut.RunCycleAsync(CancellationToken.None);
        _clock.Advance(Step);
        _input.Failures.Enqueue(FakeInput.QueryError());

        var failed = await sut.RunCycleAsync(CancellationToken.None);
        _clock.Advance(Step);
        var retried = await sut.RunCycleAsync(CancellationToken.None);

        Assert.False(failed.Success);
        Assert.Equal(ErrorTypes.PrometheusQuery, failed.ErrorType);
        Assert.Equal(1, _metrics.Errors.WithLabels("prometheus_query").Value);
        Assert.Equal(1, _metrics.Cycles.WithLabels("cpu", "failure").Value);
        Assert.Equal(Start + Step, _input.Requests[2].Start); // the failed range is asked again: nothing lost
        Assert.Equal(2, retried.Points);
    }

    [Fact]
    public async Task Readiness_EveryCycleFails_NeverReady()
    {
        var sut = CreateSut(window: 20);
        for (var i = 0; i < 2; i++)
        {
            _input.Failures.Enqueue(FakeInput.QueryError());
            await sut.RunCycleAsync(CancellationToken.None);
            _clock.Advance(Step);
        }

        Assert.Equal((false, "every_cycle_failed"), sut.Readiness);
    }

    [Fact]
    public async Task Readiness_FailsAfterSuccess_ReadyUntilThreeFailuresInARowThenReadyAgainOnSuccess()
    {
        _input.Set(NodeA, Wiggle(10));
        var sut = CreateSut(window: 20);
        await sut.RunCycleAsync(CancellationToken.None);
        var states = new List<bool> { sut.Readiness.Ready };
        for (var i = 0; i < JobReadiness.MaxConsecutiveFailures; i++)
        {
            _clock.Advance(Step);
            _input.Failures.Enqueue(FakeInput.QueryError());
            await sut.RunCycleAsync(CancellationToken.None);
            states.Add(sut.Readiness.Ready);
        }

        _clock.Advance(Step);
        await sut.RunCycleAsync(CancellationToken.None);
        states.Add(sut.Readiness.Ready);

        Assert.Equal([true, true, true, false, true], states);
    }

    [Fact]
    public async Task RunCycle_QueryFails_DetectorIsNotCalled()
    {
        var detector = new CountingDetector();
        _input.Set(NodeA, Wiggle(10));
        _input.Failures.Enqueue(FakeInput.QueryError());
        var sut = CreateSut(detector: detector);

        await sut.RunCycleAsync(CancellationToken.None);

        Assert.Equal(0, detector.Calls);
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task RunCycle_EmptyResult_SucceedsWithNothingPublished()
    {
        var sut = CreateSut();

        var result = await sut.RunCycleAsync(CancellationToken.None);

        Assert.True(result.Success);
        Assert.Equal(0, result.Points);
        Assert.Equal(0, _store.Count);
        Assert.Equal(1, _metrics.Cycles.WithLabels("cpu", "success").Value);
    }

    [Fact]
    public async Task RunCycle_PartialBadData_NaNAndInfAreCountedNotScoredAndOtherSeriesScore()
    {
        _input.Set(NodeA, Wiggle(10));
        _input.Set(NodeB, t => t >= Start ? double.NaN : 5);
        var sut = CreateSut(window: 20);
        await sut.RunCycleAsync(CancellationToken.None);
        _input.Set(NodeB, t => t > Start + Step ? double.PositiveInfinity : double.NaN);
        _clock.Advance(Step * 2);

        var result = await sut.RunCycleAsync(CancellationToken.None);

        Assert.Equal(3, _metrics.InvalidSamples.WithLabels("cpu").Value);
        Assert.Equal(2, result.Points); // node a only
        var text = MetricsText.Render(_registry);
        Assert.Null(MetricsText.Value(text, "vigil_anomaly_score{exported_job=\"node\",instance=\"b\",job=\"cpu\"}"));
        Assert.NotNull(MetricsText.Value(text, "vigil_anomaly_score{exported_job=\"node\",instance=\"a\",job=\"cpu\"}"));
    }

    [Fact]
    public async Task RunCycle_SpikeAfterStableHistory_ScoresAboveOneAndCountsAnomaly()
    {
        _input.Set(NodeA, t => t >= Start + Step ? 1000 : Wiggle(10)(t));
        var sut = CreateSut(window: 30);
        var normal = await sut.RunCycleAsync(CancellationToken.None);
        _clock.Advance(Step);

        var spike = await sut.RunCycleAsync(CancellationToken.None);

        Assert.Equal(0, normal.Anomalies);
        Assert.Equal(1, spike.Anomalies);
        var text = MetricsText.Render(_registry);
        Assert.True(MetricsText.Value(text, "vigil_anomaly_score{exported_job=\"node\",instance=\"a\",job=\"cpu\"}") > 1);
        Assert.Equal(1, _metrics.Anomalies.WithLabels("cpu").Value);
    }

    [Fact]
    public async Task RunCycle_NewSeriesMidRun_IsWarmedFromHistoryBeforeScoring()
    {
        _input.Set(NodeA, Wiggle(10));
        var sut = CreateSut(window: 20);
        await sut.RunCycleAsync(CancellationToken.None);
        _input.Set(NodeB, Wiggle(50));
        _clock.Advance(Step);

        await sut.RunCycleAsync(CancellationToken.None);

        var history = _input.Requests[2];
        Assert.Equal((Start - (Step * 19), Start), (history.Start, history.End));
        var text = MetricsText.Render(_registry);
        Assert.NotNull(MetricsText.Value(text, "vigil_anomaly_score{exported_job=\"node\",instance=\"b\",job=\"cpu\"}"));
    }

    [Fact]
    public async Task RunCycle_NewSeriesInALargeJob_WarmedFromTheRecentHistoryInBoundedSlices()
    {
        // Two series and a 300-step window: a new series reads at most 400 samples of history (the 200 most recent steps
        // of both series, since the query cannot be narrowed to it), in slices of at most 60 samples (30 steps),
        // contiguous up to the step before its first live point, and is then judged as if it had read them in one query.
        _input.Set(NodeA, Wiggle(10));
        var sut = CreateSut(window: 300);
        await sut.RunCycleAsync(CancellationToken.None);
        sut.WarmupSliceSamples = 60;
        sut.FreshWarmupMaxSamples = 400;
        _input.Set(NodeB, Wiggle(50));
        _clock.Advance(Step);
        var before = _input.Requests.Count;

        await sut.RunCycleAsync(CancellationToken.None);

        var warm = _input.Requests.Skip(before + 1).ToList(); // after the cycle's own fetch of the new step
        Assert.Equal([30, 30, 30, 30, 30, 30, 20], warm.Select(r => (int)((r.End - r.Start) / Step) + 1));
        Assert.Equal(Start - (Step * 199), warm[0].Start);
        Assert.Equal(Start, warm[^1].End);
        for (var i = 1; i < warm.Count; i++)
        {
            Assert.Equal(warm[i - 1].End + Step, warm[i].Start);
        }

        var series = new RollingSigmaDetector(new RollingSigmaOptions { Window = 300, MinPoints = 150 }).CreateSeries();
        var expected = default(Verdict);
        for (var t = Start - (Step * 199); t <= Start + Step; t += Step)
        {
            expected = series.Observe(t.ToUnixTimeMilliseconds(), Wiggle(50)(t));
        }

        Assert.Equal(VerdictKind.Scored, expected.Kind); // mature after the 200 steps: judged, not warming up
        var score = MetricsText.Value(MetricsText.Render(_registry), "vigil_anomaly_score{exported_job=\"node\",instance=\"b\",job=\"cpu\"}");
        Assert.Equal(expected.Score, score!.Value, 12);
    }

    [Fact]
    public async Task RunCycle_SeriesDisappears_DroppedAfterStaleness()
    {
        _input.Set(NodeA, Wiggle(10));
        _input.Set(NodeB, Wiggle(20));
        var sut = CreateSut(window: 20, staleness: TimeSpan.FromMinutes(5));
        await sut.RunCycleAsync(CancellationToken.None);
        _input.Remove(NodeB);

        _clock.Advance(Step * 3);
        await sut.RunCycleAsync(CancellationToken.None);
        var stillThere = _store.Count;
        _clock.Advance(Step * 3);
        await sut.RunCycleAsync(CancellationToken.None);

        Assert.Equal(2, stillThere);
        Assert.Equal(1, _store.Count);
        Assert.Equal(1, sut.SeriesCount);
        Assert.DoesNotContain("instance=\"b\"", MetricsText.Render(_registry), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCycle_AllowListMakesSeriesCollide_CountsDataProcessingAndKeepsOne()
    {
        _input.Set(Labels.From(new Label("instance", "a"), new Label("cpu", "0")), Wiggle(10));
        _input.Set(Labels.From(new Label("instance", "a"), new Label("cpu", "1")), Wiggle(10));
        var sut = CreateSut(labels: new HashSet<string> { "instance" });

        await sut.RunCycleAsync(CancellationToken.None);

        Assert.Equal(1, _metrics.Errors.WithLabels("data_processing").Value);
        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public async Task RunCycle_DetectorThrows_CountsModelPredictAndKeepsRunning()
    {
        _input.Set(NodeA, Wiggle(10));
        var sut = CreateSut(detector: new CountingDetector { Throw = true });

        var result = await sut.RunCycleAsync(CancellationToken.None);

        Assert.True(result.Success);
        Assert.Equal(1, _metrics.Errors.WithLabels("model_predict").Value);
    }

    [Fact]
    public async Task RunCycle_Cancelled_PropagatesCancellation()
    {
        _input.Set(NodeA, Wiggle(10));
        _input.Failures.Enqueue(new OperationCanceledException());
        var sut = CreateSut();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.RunCycleAsync(cts.Token));
    }

    [Fact]
    public void AlignDown_TruncatesToTheStep()
    {
        var aligned = RangeCursor.AlignDown(Start + TimeSpan.FromSeconds(95), TimeSpan.FromMinutes(1));

        Assert.Equal(Start + TimeSpan.FromMinutes(1), aligned);
    }

    [Fact]
    public async Task RunCycle_SeriesWithoutHistory_WarmupPointsAreNeitherPredictionsNorSilent()
    {
        // A new metric: nothing before Start to warm from, so its first five verdicts are warm-up.
        _input.Set(NodeA, Wiggle(10), firstPoint: Start);
        var sut = CreateSut(detector: new WarmupDetector(warmupPoints: 5));

        var first = await sut.RunCycleAsync(CancellationToken.None);
        var afterFirst = (_metrics.Predictions.WithLabels("cpu").Value, _metrics.SeriesWarming.WithLabels("cpu").Value, sut.WarmingSeries);
        _clock.Advance(Step * 3);
        await sut.RunCycleAsync(CancellationToken.None); // points 2–4: still warming
        var stillWarming = (_metrics.Predictions.WithLabels("cpu").Value, _metrics.SeriesWarming.WithLabels("cpu").Value);
        _clock.Advance(Step * 4);
        var scored = await sut.RunCycleAsync(CancellationToken.None); // point 5 warms, 6–8 are scored

        Assert.Equal(0, first.Points);
        Assert.Equal((0d, 1d, 1), afterFirst);
        Assert.Equal((0d, 1d), stillWarming);
        Assert.Equal(3, scored.Points);
        Assert.Equal(3, _metrics.Predictions.WithLabels("cpu").Value);
        Assert.Equal(0, _metrics.SeriesWarming.WithLabels("cpu").Value);
        Assert.Equal(0, sut.WarmingSeries);
        var started = Assert.Single(_logger.Entries, e => e.Message.Contains("warming up", StringComparison.Ordinal));
        Assert.Contains("1 series warming up", started.Message, StringComparison.Ordinal);
        Assert.Contains("00:05:00", started.Message, StringComparison.Ordinal); // 5 history points of 1 min
        var firstScores = Assert.Single(_logger.Entries, e => e.Message.Contains("first scores after warm-up", StringComparison.Ordinal));
        Assert.Contains("3 points scored", firstScores.Message, StringComparison.Ordinal);
    }

    private static Func<DateTimeOffset, double> Wiggle(double level)
        => t => level + Math.Sin(t.ToUnixTimeSeconds() / 60.0);

    private JobRunner CreateSut(int window = 20, IDetector? detector = null, TimeSpan? staleness = null, IReadOnlySet<string>? labels = null, IVerdictSink? sink = null)
    {
        var job = new JobOptions { Name = "cpu", Query = "up", Interval = Step, Labels = labels };
        detector ??= new RollingSigmaDetector(new RollingSigmaOptions { Window = window, MinPoints = window / 2 });
        return new JobRunner(job, _input, detector, sink ?? _store, _metrics, _clock, _clock, staleness ?? TimeSpan.FromMinutes(10), _logger);
    }

    /// <summary>Passes every batch on and records how many points each one held.</summary>
    private sealed class CountingSink(IVerdictSink inner, List<int> points) : IVerdictSink
    {
        public void Publish(VerdictBatch batch)
        {
            points.Add(batch.Count);
            inner.Publish(batch);
        }
    }

    /// <summary>Passes every batch on and records its capacity (points it holds before it grows).</summary>
    private sealed class CapacitySink(IVerdictSink inner, List<int> capacities) : IVerdictSink
    {
        public void Publish(VerdictBatch batch)
        {
            capacities.Add(batch.Capacity);
            inner.Publish(batch);
        }
    }

    private sealed class CountingDetector : IDetector, ISeriesDetector
    {
        public int Calls { get; private set; }

        public bool Throw { get; init; }

        public string Type => "counting";

        public int FeatureCount => 1;

        public int HistoryPoints => 5;

        public ISeriesDetector CreateSeries() => this;

        public Verdict Observe(long timestampMs, ReadOnlySpan<double> features)
        {
            Calls++;
            return Throw ? throw new InvalidOperationException("model broke") : new Verdict(0.5, features[0], features[0] - 1, features[0] + 1, VerdictKind.Scored);
        }
    }

    /// <summary>Warm-up verdicts for each series' first <c>warmupPoints</c> observations, then scored ones.</summary>
    private sealed class WarmupDetector(int warmupPoints) : IDetector
    {
        public string Type => "warmup";

        public int FeatureCount => 1;

        public int HistoryPoints => warmupPoints;

        public ISeriesDetector CreateSeries() => new Series(warmupPoints);

        private sealed class Series(int warmupPoints) : ISeriesDetector
        {
            private int _seen;

            public Verdict Observe(long timestampMs, ReadOnlySpan<double> features)
                => new(0.5, features[0], features[0] - 1, features[0] + 1, ++_seen <= warmupPoints ? VerdictKind.Warmup : VerdictKind.Scored);
        }
    }
}
