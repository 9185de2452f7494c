using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Exposition;
using Vigil.Models.Files;
using Vigil.Models.Lifecycle;
using Vigil.Models.Shadow;
using Vigil.Models.Store;
using Vigil.Models.Training;
using Vigil.Models.Validation;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Lifecycle;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Replay;
using Vigil.Pipeline.Tests.Fakes;

namespace Vigil.Pipeline.Tests.Lifecycle;

/// <summary>The service side of the model lifecycle: ticking, metrics, shadow scoring exported beside the active model.</summary>
public sealed class ModelLifecyclesTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);
    private static readonly FeatureQuery[] Features = [new("cpu", "cpu_query"), new("latency", "latency_query")];

    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly MetricRegistry _registry = new();
    private readonly ScoreStore _scores = new();
    private readonly VigilMetrics _metrics;
    private readonly FakeMetricSource _source = new();
    private readonly ModelStoreProvider _provider;

    public ModelLifecyclesTests()
    {
        _metrics = new VigilMetrics(_registry);
        _registry.Register(_scores);
        _provider = new ModelStoreProvider(new ModelStore(new ModelStoreOptions { Directory = _temp.Path }));
        foreach (var instance in new[] { "a", "b", "c" })
        {
            var phase = instance[0];
            _source.Set("cpu_query", instance, t => Cpu(t, phase));
            _source.Set("latency_query", instance, t => Cpu(t, phase) * 2);
        }
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task TickAsync_ActiveModelDue_TrainsShadowsThenDecidesAndExportsEveryStep()
    {
        WriteActive(createdAt: Start - TimeSpan.FromDays(2));
        var sut = CreateSut(new ModelLifecycleOptions
        {
            FitEvery = TimeSpan.FromDays(1),
            FitWindow = TimeSpan.FromHours(8),
            Shadow = new ShadowOptions { Duration = TimeSpan.FromHours(1) },
            Promotion = new PromotionPolicyOptions { MinRows = 0, MaxAnomalyRate = 1 },
        });

        await sut.TickAsync(CancellationToken.None);
        var shadowing = MetricsText.Render(_registry);
        _clock.Advance(TimeSpan.FromHours(1));
        await sut.TickAsync(CancellationToken.None);
        var decided = MetricsText.Render(_registry);

        Assert.Equal(1, MetricsText.Value(shadowing, "vigil_model_trainings_total{job=\"svc\"}"));
        Assert.Equal(1, MetricsText.Value(shadowing, "vigil_model_shadowing{job=\"svc\"}"));
        Assert.Equal(TimeSpan.FromDays(2).TotalSeconds, MetricsText.Value(shadowing, "vigil_model_age_seconds{job=\"svc\"}"));
        Assert.NotNull(MetricsText.Value(shadowing, "vigil_model_training_duration_seconds{job=\"svc\"}"));
        Assert.Equal(0, MetricsText.Value(decided, "vigil_model_shadowing{job=\"svc\"}"));
        Assert.Equal(1, MetricsText.Value(decided, "vigil_model_promotions_total{job=\"svc\"}"));
        Assert.Equal(3600, MetricsText.Value(decided, "vigil_model_age_seconds{job=\"svc\"}")); // the promoted model was trained an hour ago
        Assert.Equal(0, MetricsText.Value(decided, "vigil_model_training_failures_total{job=\"svc\"}"));
        Assert.Equal(0, MetricsText.Value(decided, "vigil_model_rollbacks_total{job=\"svc\"}"));
        Assert.False(_provider.Store.HasCandidate("svc"));
    }

    [Fact]
    public async Task TickAsync_SourceFails_CountsTrainingFailureAndKeepsActive()
    {
        var active = WriteActive(createdAt: Start - TimeSpan.FromDays(2));
        var sut = CreateSut(new ModelLifecycleOptions { FitEvery = TimeSpan.FromDays(1), FitWindow = TimeSpan.FromHours(8) }, new FailingSource());

        await sut.TickAsync(CancellationToken.None);

        Assert.Equal(1, MetricsText.Value(MetricsText.Render(_registry), "vigil_model_training_failures_total{job=\"svc\"}"));
        Assert.Equal(active, _provider.Store.LoadActive("svc").Header.Version);
    }

    [Fact]
    public async Task RunCycle_WhileShadowing_ExportsCandidateBesideActiveAndDropsItAfterwards()
    {
        WriteActive(createdAt: Start - TimeSpan.FromDays(2));
        var lifecycle = CreateLifecycle(new ModelLifecycleOptions
        {
            FitEvery = TimeSpan.FromDays(1),
            FitWindow = TimeSpan.FromHours(8),
            Shadow = new ShadowOptions { Duration = TimeSpan.FromHours(1) },
            Promotion = new PromotionPolicyOptions { MinRows = 0, MaxAnomalyRate = 1 },
        }, _source);
        var runner = CreateRunner(lifecycle);

        await lifecycle.TickAsync(CancellationToken.None);
        await runner.RunCycleAsync(CancellationToken.None);
        var shadowing = MetricsText.Render(_registry);
        _clock.Advance(TimeSpan.FromHours(1));
        await lifecycle.TickAsync(CancellationToken.None);
        await runner.RunCycleAsync(CancellationToken.None);
        var after = MetricsText.Render(_registry);

        Assert.NotNull(lifecycle.Stats.ActiveVersion);
        Assert.NotNull(MetricsText.Value(shadowing, "vigil_anomaly_score{instance=\"a\",job=\"svc\",model=\"active\"}"));
        Assert.NotNull(MetricsText.Value(shadowing, "vigil_anomaly_score{instance=\"a\",job=\"svc\",model=\"candidate\"}"));
        Assert.NotNull(MetricsText.Value(after, "vigil_anomaly_score{instance=\"a\",job=\"svc\",model=\"active\"}"));
        Assert.Null(MetricsText.Value(after, "vigil_anomaly_score{instance=\"a\",job=\"svc\",model=\"candidate\"}"));
    }

    private ModelLifecycles CreateSut(ModelLifecycleOptions options, Core.Sources.IMetricSource? source = null)
        => new(new Dictionary<string, ModelLifecycle> { ["svc"] = CreateLifecycle(options, source ?? _source) }, _metrics, _clock, NullLogger<ModelLifecycles>.Instance);

    private ModelLifecycle CreateLifecycle(ModelLifecycleOptions options, Core.Sources.IMetricSource source)
    {
        var spec = new TrainingSpec { Name = "svc", Features = Features, JoinLabels = ["instance"], Step = Step, Forest = new IsolationForestOptions { Estimators = 20, RandomState = 1 } };
        return new ModelLifecycle(spec, new Trainer(source, _provider.Store, _clock, new TrainerOptions()), _provider, options, _clock);
    }

    private JobRunner CreateRunner(ModelLifecycle lifecycle)
    {
        var job = new JobOptions { Name = "svc", Query = "cpu=cpu_query; latency=latency_query", Features = Features, JoinLabels = ["instance"], Interval = Step };
        var input = new JoinedQueryInput(_source, Features, ["instance"], _metrics.FeatureRowsSkipped, "svc");
        var detector = new IsolationForestDetector(_provider.Get("svc"));
        return new JobRunner(job, input, detector, _scores, _metrics, _clock, _clock, TimeSpan.FromDays(1), new CapturingLogger(), new ShadowScoring("svc", () => lifecycle.Shadow));
    }

    private string WriteActive(DateTimeOffset createdAt)
    {
        var random = new Random(3);
        var x = new FeatureMatrix(300, 2);
        for (var r = 0; r < x.Rows; r++)
        {
            var cpu = random.NextDouble();
            x.MutableRow(r)[0] = cpu;
            x.MutableRow(r)[1] = cpu * 2;
        }

        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { Estimators = 20, RandomState = 1 });
        var file = ModelFileFormat.Create(
            new ModelDescription { Name = "svc", CreatedAt = createdAt, Queries = ["cpu_query", "latency_query"], JoinLabels = ["instance"], Step = Step },
            new AnomalyModel("draft", ["cpu", "latency"], FeatureScaler.Identity(2), forest));
        _provider.Store.WriteCandidate(file);
        _provider.Store.Promote("svc");
        return file.Header.Version;
    }

    private static double Cpu(DateTimeOffset t, char phase) => 0.5 + (0.4 * Math.Sin((t.ToUnixTimeSeconds() / 3600.0) + phase));

    private sealed class FailingSource : Core.Sources.IMetricSource
    {
        public Task<Core.Series.SeriesBatch> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
            => Task.FromException<Core.Series.SeriesBatch>(new Core.Sources.MetricSourceException("prometheus_query", "connection refused"));
    }
}
