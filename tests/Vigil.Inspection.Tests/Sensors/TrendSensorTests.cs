using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Inspection.Sensors;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Inspection.Tests.Sensors;

public sealed class TrendSensorTests
{
    private static readonly DateTimeOffset Now = InspectionHarness.Start;

    [Fact]
    public void Evaluate_RisingTowardsThreshold_CrossingWithinBandAndHighConfidence()
    {
        // 50 at the anchor, +10 per hour, small deterministic wiggle: crosses 80 three hours ahead.
        var (t, v) = Line(perHour: 10, atAnchor: 50, wiggle: 0.5);

        var finding = CreateSut().Evaluate(InspectionHarness.Metric(threshold: 80), Labels.Empty, t, v, Now);

        Assert.NotNull(finding);
        Assert.Equal("high", finding.Facts["confidence"]);
        Assert.Equal(3, finding.Numbers["hours_to_breach"], 1);
        Assert.Equal(10, finding.Numbers["slope_per_hour"], 1);
        Assert.Equal(361, finding.Numbers["n"]);
        Assert.True(finding.Numbers["earliest_hours"] <= finding.Numbers["hours_to_breach"]);
        Assert.True(finding.Numbers["latest_hours"] >= finding.Numbers["hours_to_breach"]);
        Assert.Equal(90, finding.Numbers["predicted_at_horizon"], 0);
    }

    [Fact]
    public void Evaluate_CrossingBeyondHorizon_Silent()
    {
        var (t, v) = Line(perHour: 10, atAnchor: 50, wiggle: 0.5);

        Assert.Null(CreateSut().Evaluate(InspectionHarness.Metric(threshold: 100), Labels.Empty, t, v, Now));
    }

    [Fact]
    public void Evaluate_SlopePointsAway_Silent()
    {
        var (t, v) = Line(perHour: -10, atAnchor: 50, wiggle: 0.5);

        Assert.Null(CreateSut().Evaluate(InspectionHarness.Metric(threshold: 80), Labels.Empty, t, v, Now));
        Assert.NotNull(CreateSut().Evaluate(InspectionHarness.Metric(threshold: 30, direction: ThresholdDirection.Below), Labels.Empty, t, v, Now));
    }

    [Fact]
    public void Evaluate_AlreadyCrossed_SilentBecauseThatIsTheBaselinesJob()
    {
        var (t, v) = Line(perHour: 10, atAnchor: 50, wiggle: 0.5);

        Assert.Null(CreateSut().Evaluate(InspectionHarness.Metric(threshold: 45), Labels.Empty, t, v, Now));
    }

    [Fact]
    public void Evaluate_NoiseAroundWeakSlope_LowConfidenceSilent()
    {
        var (t, v) = Line(perHour: 0.5, atAnchor: 50, wiggle: 20);

        Assert.Null(CreateSut().Evaluate(InspectionHarness.Metric(threshold: 51), Labels.Empty, t, v, Now));
    }

    [Theory]
    [InlineData(0.9, 100, TrendConfidence.High)]
    [InlineData(0.9, 20, TrendConfidence.Medium)]
    [InlineData(0.6, 100, TrendConfidence.Medium)]
    [InlineData(0.4, 100, TrendConfidence.Low)]
    [InlineData(0.9, 5, TrendConfidence.Low)]
    public void Confidence_FromR2AndPoints(double r2, int n, TrendConfidence expected)
        => Assert.Equal(expected, CreateSut().Confidence(new LinearFit(1, 0, r2, n, 0, 1, 0)));

    [Fact]
    public async Task InspectAsync_QueryReturnsThreeSeries_EverySeriesInspected()
    {
        var anchor = Now.ToUnixTimeMilliseconds();
        double Rising(long ms, double offset) => offset + (10 * (ms - anchor) / 3_600_000.0);
        var source = FakeSource.Of(("a", ms => Rising(ms, 50)), ("b", ms => Rising(ms, 60)), ("c", ms => Rising(ms, 10)));

        var result = await CreateSut(source).InspectAsync(new InspectionContext("r", Now, true), CancellationToken.None);

        Assert.Equal(3, result.Inspected);
        // a crosses 80 in 3 h, b in 2 h; c needs 7 h, beyond the 4 h horizon.
        Assert.Equal(["a", "b"], result.Findings.Select(f => f.Labels["instance"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task InspectAsync_QueryFails_ErrorReportedAndCounted()
    {
        var metrics = new VigilMetrics(new MetricRegistry());
        var source = new FakeSource((_, _, _, _, _) => throw new Core.Sources.MetricSourceException(ErrorTypes.PrometheusQuery, "connection refused"));
        var sensor = new TrendSensor(source, InspectionHarness.Options(false, InspectionHarness.Metric(threshold: 80)), metrics);

        var result = await sensor.InspectAsync(new InspectionContext("r", Now, true), CancellationToken.None);

        Assert.Equal("trend: errors: prometheus_query: connection refused", Assert.Single(result.Errors));
        Assert.Equal(1, metrics.Errors.WithLabels(ErrorTypes.PrometheusQuery).Value);
    }

    private static (long[] T, double[] V) Line(double perHour, double atAnchor, double wiggle)
    {
        var anchor = Now.ToUnixTimeMilliseconds();
        var t = new long[361];
        var v = new double[361];
        for (var i = 0; i < t.Length; i++)
        {
            t[i] = anchor - ((360 - i) * 60_000L);
            var hours = (t[i] - anchor) / 3_600_000.0;
            v[i] = atAnchor + (perHour * hours) + (wiggle * Math.Sin(i * 2.39996));
        }

        return (t, v);
    }

    private static TrendSensor CreateSut(FakeSource? source = null)
        => new(source ?? FakeSource.Of(), InspectionHarness.Options(false, InspectionHarness.Metric(threshold: 80)), new VigilMetrics(new MetricRegistry()));
}
