using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Models.Training;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Lifecycle;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Replay;
using Vigil.Pipeline.Tests.Fakes;

namespace Vigil.Pipeline.Tests.Jobs;

public sealed class JoinedQueryInputTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);
    private static readonly FeatureQuery[] Features = [new("cpu", "cpu_query"), new("latency", "latency_query")];

    private readonly MetricRegistry _registry = new();
    private readonly ScoreStore _store = new();
    private readonly VigilMetrics _metrics;
    private readonly FakeMetricSource _source = new();

    public JoinedQueryInputTests()
    {
        _metrics = new VigilMetrics(_registry);
        _registry.Register(_store);
    }

    [Fact]
    public async Task FetchAsync_TwoQueries_JoinsOneVectorPerEntityAndStepAndCountsSkippedRows()
    {
        // a has both features at every step; b has no latency at the last step.
        _source.Set("cpu_query", "a", t => 1);
        _source.Set("latency_query", "a", t => 2);
        _source.Set("cpu_query", "b", t => 3);
        _source.Set("latency_query", "b", t => t < Start ? 4 : double.NaN);
        var sut = CreateSut();

        var batch = await sut.FetchAsync(Start - (Step * 2), Start, Step, CancellationToken.None);

        Assert.Equal(2, batch.FeatureCount);
        Assert.Equal(2, batch.SeriesCount);
        var a = Index(batch, "a");
        var b = Index(batch, "b");
        Assert.Equal(3, batch.GetTimestamps(a).Length);
        Assert.Equal([1.0, 2, 1, 2, 1, 2], batch.GetValues(a).ToArray());
        Assert.Equal(2, batch.GetTimestamps(b).Length);
        Assert.Equal([3.0, 4, 3, 4], batch.GetValues(b).ToArray());
        Assert.Equal(Labels.From(new Label("instance", "b")), batch.GetLabels(b));
        var text = MetricsText.Render(_registry);
        Assert.Equal(1, MetricsText.Value(text, "vigil_feature_rows_skipped_total{job=\"svc\",reason=\"non_finite\"}"));
    }

    [Fact]
    public async Task RunCycle_IsolationForestOverJoinedInput_FlagsTheEntityOffTheCorrelation()
    {
        // Trained on latency = cpu (± 0.01) with cpu ~ N(0.5, 0.1); "bad" has cpu and latency each within 2 σ of
        // normal (no 3-sigma rule flags them), but 0.4 apart: off the correlation.
        _source.Set("cpu_query", "good", t => 0.5);
        _source.Set("latency_query", "good", t => 0.5);
        _source.Set("cpu_query", "bad", t => 0.3);
        _source.Set("latency_query", "bad", t => 0.7);
        var input = CreateSut();
        var detector = new IsolationForestDetector(new ModelHandle("svc", CorrelatedModel()));
        var clock = new FakeTimeProvider(Start);
        var job = new JobOptions { Name = "svc", Query = "cpu=cpu_query; latency=latency_query", Features = Features, JoinLabels = ["instance"], Interval = Step };
        var runner = new JobRunner(job, input, detector, _store, _metrics, clock, clock, TimeSpan.FromMinutes(10), new CapturingLogger());

        var result = await runner.RunCycleAsync(CancellationToken.None);

        Assert.True(result.Success);
        var text = MetricsText.Render(_registry);
        Assert.InRange(MetricsText.Value(text, "vigil_anomaly_score{instance=\"good\",job=\"svc\"}")!.Value, 0, 1);
        Assert.True(MetricsText.Value(text, "vigil_anomaly_score{instance=\"bad\",job=\"svc\"}") > 1);
        Assert.Equal(1, MetricsText.Value(text, "vigil_anomalies_total{job=\"svc\"}"));
    }

    private JoinedQueryInput CreateSut() => new(_source, Features, ["instance"], _metrics.FeatureRowsSkipped, "svc");

    private static AnomalyModel CorrelatedModel()
    {
        var random = new Random(7);
        var x = new FeatureMatrix(1000, 2);
        for (var r = 0; r < x.Rows; r++)
        {
            var cpu = 0.5 + (0.1 * Gaussian(random));
            x.MutableRow(r)[0] = cpu;
            x.MutableRow(r)[1] = cpu + (0.01 * Gaussian(random));
        }

        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 1 });
        return new AnomalyModel("v1", ["cpu", "latency"], FeatureScaler.Identity(2), forest);
    }

    // Irwin–Hall: the sum of 12 uniforms minus 6 is close enough to N(0, 1) for test data.
    private static double Gaussian(Random random)
    {
        var sum = 0.0;
        for (var i = 0; i < 12; i++)
        {
            sum += random.NextDouble();
        }

        return sum - 6;
    }

    private static int Index(SeriesBatch batch, string instance)
    {
        for (var i = 0; i < batch.SeriesCount; i++)
        {
            if (batch.GetLabels(i).Get("instance") == instance)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"no series {instance}");
    }
}
