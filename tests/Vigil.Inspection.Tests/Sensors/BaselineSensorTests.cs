using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Alerting;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Inspection.Sensors;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Inspection.Tests.Sensors;

public sealed class BaselineSensorTests
{
    private static readonly DateTimeOffset Now = InspectionHarness.Start;

    [Fact]
    public async Task InspectAsync_QueryReturnsThreeSeries_EverySeriesInspectedAndOnlyTheSpikeReported()
    {
        var last = Now.ToUnixTimeMilliseconds();
        var source = FakeSource.Of(("a", Wave), ("b", t => t == last ? Wave(t) + 100 : Wave(t)), ("c", Wave));
        var (sensor, _) = CreateSut(source);

        var result = await sensor.InspectAsync(new InspectionContext("r1", Now, true), CancellationToken.None);

        Assert.Equal(3, result.Inspected);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("b", finding.Labels["instance"]);
        Assert.Equal("error_rate", finding.Labels["metric_name"]);
        Assert.Equal("errors", finding.Labels["metric"]);
        Assert.Equal(AlertSeverity.Critical, finding.Severity);
        Assert.True(finding.Numbers["deviation_sigma"] >= 5);
        Assert.Equal(Wave(last) + 100, finding.Value);
    }

    [Fact]
    public async Task InspectAsync_SecondRound_AsksOnlyForNewPoints()
    {
        DateTimeOffset? secondStart = null;
        var calls = 0;
        var source = new FakeSource((_, start, end, step, _) =>
        {
            if (++calls == 2)
            {
                secondStart = start;
            }

            return Task.FromResult(FakeSource.Sample(start, end, step, ("a", Wave)));
        });
        var (sensor, models) = CreateSut(source);

        await sensor.InspectAsync(new InspectionContext("r1", Now, true), CancellationToken.None);
        await sensor.InspectAsync(new InspectionContext("r2", Now.AddMinutes(5), true), CancellationToken.None);

        Assert.Equal(Now.AddMinutes(1), secondStart);
        Assert.Equal(Now.AddMinutes(5).ToUnixTimeMilliseconds(), models.Find("errors", Labels.From(new Label("__name__", "error_rate"), new Label("instance", "a")))!.LastTimestampMs);
    }

    [Theory]
    [InlineData(2.9, null)]
    [InlineData(3.0, AlertSeverity.Warning)]
    [InlineData(-4.9, AlertSeverity.Warning)]
    [InlineData(5.0, AlertSeverity.Critical)]
    public void Judge_DeviationInSigma_SeverityFromThresholds(double sigmas, AlertSeverity? expected)
    {
        var (sensor, _) = CreateSut(FakeSource.Of());
        var verdict = new Verdict(1, 10, 8, 12, VerdictKind.Scored, AnomalyTest.Point, Sigma: 2);

        var finding = sensor.Judge(InspectionHarness.Metric(), Labels.Empty, verdict, 10 + (sigmas * 2));

        Assert.Equal(expected, finding?.Severity);
    }

    [Fact]
    public void Judge_DirectionAboveAndDeviationBelow_Silent()
    {
        var (sensor, _) = CreateSut(FakeSource.Of());
        var verdict = new Verdict(3, 10, 8, 12, VerdictKind.Scored, AnomalyTest.Point, Sigma: 1);

        Assert.Null(sensor.Judge(InspectionHarness.Metric(direction: ThresholdDirection.Above), Labels.Empty, verdict, 0));
        Assert.NotNull(sensor.Judge(InspectionHarness.Metric(direction: ThresholdDirection.Below), Labels.Empty, verdict, 0));
    }

    [Fact]
    public void Judge_WarmingUp_Silent()
    {
        var (sensor, _) = CreateSut(FakeSource.Of());

        Assert.Null(sensor.Judge(InspectionHarness.Metric(), Labels.Empty, Verdict.Warmup(10), 1000));
    }

    /// <summary>A 7-minute wave around 10: a rolling window of an hour sees several periods, σ ≈ 0.7.</summary>
    internal static double Wave(long t) => 10 + Math.Sin(2 * Math.PI * t / 420_000.0);

    internal static (BaselineSensor Sensor, BaselineModels Models) CreateSut(FakeSource source)
    {
        var options = InspectionHarness.Options() with { Baseline = new BaselineSensorOptions { Detector = RollingSigma() } };
        var models = new BaselineModels(DetectorRegistry.CreateDefault(), options.Baseline);
        return (new BaselineSensor(source, options, models, new VigilMetrics(new MetricRegistry())), models);
    }

    internal static DetectorSpec RollingSigma() => new("rolling_sigma", new Dictionary<string, string> { ["window"] = "60" });
}

public sealed class BaselineRetrainerTests
{
    [Fact]
    public async Task TryStart_PreviousStillRunning_SkippedAndCounted()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new FakeSource(async (_, start, end, step, ct) =>
        {
            entered.TrySetResult();
            await release.Task.WaitAsync(ct);
            return FakeSource.Sample(start, end, step, ("a", BaselineSensorTests.Wave));
        });
        var options = InspectionHarness.Options() with { Baseline = new BaselineSensorOptions { Detector = BaselineSensorTests.RollingSigma() } };
        var models = new BaselineModels(DetectorRegistry.CreateDefault(), options.Baseline);
        var registry = new MetricRegistry();
        var metrics = new InspectionMetrics(registry);
        var retrainer = new BaselineRetrainer(source, options, models, metrics, new VigilMetrics(registry), NullLogger<BaselineRetrainer>.Instance);

        Assert.Equal(RetrainStart.Started, retrainer.TryStart(InspectionHarness.Start));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RetrainStart.SkippedBusy, retrainer.TryStart(InspectionHarness.Start.AddMinutes(5)));
        Assert.Equal(RetrainStart.SkippedBusy, retrainer.TryStart(InspectionHarness.Start.AddMinutes(10)));
        Assert.Equal(1, source.Calls);

        release.SetResult();
        await retrainer.Running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, metrics.Retrains.WithLabels("skipped").Value);
        Assert.Equal(1, metrics.Retrains.WithLabels("completed").Value);
        Assert.Equal(1, models.Count);
        Assert.Equal(RetrainStart.Started, retrainer.TryStart(InspectionHarness.Start.AddMinutes(15)));
        await retrainer.Running.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task StopAsync_RetrainingInFlight_CancelledAndAwaited()
    {
        var (retrainer, metrics) = await RetrainingThatNeverEndsAsync();

        await retrainer.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(retrainer.Running.IsCompletedSuccessfully);
        Assert.Equal(1, metrics.Retrains.WithLabels("cancelled").Value);
    }

    [Fact]
    public async Task StopAsync_AfterDispose_CancelledRetrainingAwaitedWithoutThrowing()
    {
        // Shutdown order: the container may dispose the retrainer before the scheduler's loop stops the inspection.
        var (retrainer, metrics) = await RetrainingThatNeverEndsAsync();

        retrainer.Dispose();
        await retrainer.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        retrainer.Dispose();

        Assert.True(retrainer.Running.IsCompletedSuccessfully);
        Assert.Equal(1, metrics.Retrains.WithLabels("cancelled").Value);
    }

    /// <summary>A retrainer whose retraining has started and waits on its source until cancelled.</summary>
    private static async Task<(BaselineRetrainer Retrainer, InspectionMetrics Metrics)> RetrainingThatNeverEndsAsync()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new FakeSource(async (_, _, _, _, ct) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var options = InspectionHarness.Options() with { Baseline = new BaselineSensorOptions { Detector = BaselineSensorTests.RollingSigma() } };
        var registry = new MetricRegistry();
        var metrics = new InspectionMetrics(registry);
        var retrainer = new BaselineRetrainer(source, options, new BaselineModels(DetectorRegistry.CreateDefault(), options.Baseline), metrics, new VigilMetrics(registry), NullLogger<BaselineRetrainer>.Instance);
        retrainer.TryStart(InspectionHarness.Start);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return (retrainer, metrics);
    }

    [Fact]
    public async Task TryStart_Completed_ReplacesModelWithOneTrainedOnFullHistory()
    {
        var source = FakeSource.Of(("a", BaselineSensorTests.Wave));
        var (sensor, models) = BaselineSensorTests.CreateSut(source);
        var options = InspectionHarness.Options() with { Baseline = new BaselineSensorOptions { Detector = BaselineSensorTests.RollingSigma() } };
        var registry = new MetricRegistry();
        var retrainer = new BaselineRetrainer(source, options, models, new InspectionMetrics(registry), new VigilMetrics(registry), NullLogger<BaselineRetrainer>.Instance);
        await sensor.InspectAsync(new InspectionContext("r1", InspectionHarness.Start, true), CancellationToken.None);
        var series = Labels.From(new Label("__name__", "error_rate"), new Label("instance", "a"));
        var before = models.Find("errors", series);

        retrainer.TryStart(InspectionHarness.Start.AddMinutes(5));
        await retrainer.Running.WaitAsync(TimeSpan.FromSeconds(30));

        var after = models.Find("errors", series);
        Assert.NotSame(before, after);
        Assert.Equal(InspectionHarness.Start.AddMinutes(5).ToUnixTimeMilliseconds(), after!.LastTimestampMs);
        Assert.Equal(VerdictKind.Scored, after.LastVerdict.Kind);
    }
}
