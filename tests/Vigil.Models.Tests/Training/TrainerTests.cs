using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Core.Series;
using Vigil.Models.Store;
using Vigil.Models.Training;

namespace Vigil.Models.Tests.Training;

public sealed class TrainerTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 18, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddDays(3);

    [Fact]
    public async Task TrainAsync_History_WritesCandidateWithQueriesRowsAndValidation()
    {
        using var dir = new TempDirectory();
        var (trainer, store, _) = CreateSut(dir, new FakeMetricSource());

        var result = await trainer.TrainAsync(Spec(), From, To, progress: null, CancellationToken.None);

        var loaded = store.LoadCandidate("checkout");
        Assert.Equal(result.Candidate.Header.Version, loaded.Header.Version);
        Assert.Equal(["cpu", "latency", "queue"], loaded.Header.Features.Select(f => f.Query));
        Assert.Equal("standard", loaded.Header.Features[0].Scaling);
        Assert.Equal(["instance"], loaded.Header.JoinLabels);
        Assert.Equal(60, loaded.Header.StepSeconds);
        Assert.Equal(result.TrainingRows, loaded.Header.Training!.Rows);
        Assert.True(result.TrainingRows > 3 * 3000, $"training rows {result.TrainingRows}");
        Assert.True(result.HoldoutRows > 3 * 800, $"holdout rows {result.HoldoutRows}");
        Assert.Contains("anomaly_rate", loaded.Header.Validation.Keys);
        Assert.Equal("no active model", result.ActiveNotCompared);
    }

    [Fact]
    public async Task TrainAsync_LongWindow_EveryRequestWithinPointLimit()
    {
        using var dir = new TempDirectory();
        var source = new FakeMetricSource();
        var (trainer, _, _) = CreateSut(dir, source, maxPoints: 1000);
        var reports = new List<TrainingProgress>();

        await trainer.TrainAsync(Spec(), From, To, new SyncProgress(reports), CancellationToken.None);

        // 3 days of minutes = 4321 points: 5 chunks per query, 3 queries.
        Assert.Equal(15, source.Requests.Count);
        Assert.All(source.Requests, r => Assert.InRange(r.Points, 1, 1000));
        Assert.Equal(4321, source.Requests.Where(r => r.Query == "cpu").Sum(r => r.Points));
        Assert.Equal(15, reports.Count(p => p.Stage == TrainingStage.Fetching));
        Assert.Contains(reports, p => p.Stage == TrainingStage.Writing && p.Completed == 1);
    }

    [Fact]
    public async Task TrainAsync_QueryMissingForOneInstance_CountsSkippedRows()
    {
        using var dir = new TempDirectory();
        var source = new FakeMetricSource();
        source.Missing["queue"] = "b";
        var (trainer, _, _) = CreateSut(dir, source);

        var result = await trainer.TrainAsync(Spec(), From, To, null, CancellationToken.None);

        Assert.Equal(4321, result.Skipped[SkipReasons.MissingComponent]);
        Assert.Equal(4321, result.Candidate.Header.Training!.Skipped[SkipReasons.MissingComponent]);
    }

    [Fact]
    public async Task TrainAsync_TooFewRows_FailsWithCounts()
    {
        using var dir = new TempDirectory();
        var (trainer, store, _) = CreateSut(dir, new FakeMetricSource());

        var ex = await Assert.ThrowsAsync<TrainingException>(() => trainer.TrainAsync(Spec(), From, From.AddMinutes(30), null, CancellationToken.None));

        Assert.Contains("at least 256 needed", ex.Message, StringComparison.Ordinal);
        Assert.False(store.HasCandidate("checkout"));
    }

    [Fact]
    public async Task TrainAsync_InvalidSpec_ListsEveryError()
    {
        using var dir = new TempDirectory();
        var (trainer, _, _) = CreateSut(dir, new FakeMetricSource());
        var spec = Spec() with { Features = [new FeatureQuery("x", ""), new FeatureQuery("x", "cpu")], Step = TimeSpan.Zero };

        var ex = await Assert.ThrowsAsync<TrainingException>(() => trainer.TrainAsync(spec, From, To, null, CancellationToken.None));

        Assert.Contains("used twice", ex.Message, StringComparison.Ordinal);
        Assert.Contains("needs a query", ex.Message, StringComparison.Ordinal);
        Assert.Contains("step", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainAsync_WithActive_ValidatesBoth()
    {
        using var dir = new TempDirectory();
        var (trainer, store, time) = CreateSut(dir, new FakeMetricSource());
        await trainer.TrainAsync(Spec(), From, To, null, CancellationToken.None);
        store.Promote("checkout");
        time.Advance(TimeSpan.FromHours(1));

        var result = await trainer.TrainAsync(Spec() with { Forest = new IsolationForestOptions { RandomState = 2 } }, From, To, null, CancellationToken.None);

        Assert.NotNull(result.Validation.Active);
        Assert.Null(result.ActiveNotCompared);
        Assert.Contains("active_anomaly_rate", result.Candidate.Header.Validation.Keys);
    }

    [Fact]
    public async Task TrainAsync_JointAnomalyInHoldout_FlaggedByTheModel()
    {
        // The incident sits in the held-out tail (last 20% of the window): c's latency anti-correlates with its cpu.
        using var dir = new TempDirectory();
        var source = new FakeMetricSource { IncidentFrom = To.AddHours(-6), IncidentTo = To };
        var (trainer, _, _) = CreateSut(dir, source);
        var incident = new IncidentWindow(source.IncidentFrom, source.IncidentTo, Labels.From(new Label("instance", "c")));
        var spec = Spec() with { Incidents = [incident], Forest = new IsolationForestOptions { RandomState = 1, Contamination = 0.01 } };

        var result = await trainer.TrainAsync(spec, From, To, null, CancellationToken.None);

        var report = result.Validation.Candidate;
        Assert.Equal(361, report.LabelledAnomalies);
        // scikit-learn on the same construction flags ~23% of incident rows at contamination 0.01 and 0.7% of normal
        // ones: Isolation Forest sees joint anomalies, but only the clearer part of a 2-sigma drift.
        Assert.True(report.Precision > 0.6, report.ToString());
        Assert.True(report.Recall > 0.1, report.ToString());
    }

    private static TrainingSpec Spec() => new()
    {
        Name = "checkout",
        Features = [new FeatureQuery("cpu", "cpu", ScalingKind.Standard), new FeatureQuery("latency", "latency", ScalingKind.Robust), new FeatureQuery("queue", "queue")],
        JoinLabels = ["instance"],
        Step = TimeSpan.FromMinutes(1),
        Forest = new IsolationForestOptions { RandomState = 1 },
    };

    private static (Trainer Trainer, ModelStore Store, FakeTimeProvider Time) CreateSut(TempDirectory dir, FakeMetricSource source, int maxPoints = 11_000)
    {
        var store = new ModelStore(new ModelStoreOptions { Directory = dir.Path });
        var time = new FakeTimeProvider(To);
        return (new Trainer(source, store, time, new TrainerOptions { MaxPointsPerSeries = maxPoints }), store, time);
    }

    /// <summary><see cref="Progress{T}"/> posts to the thread pool; tests need the reports in order and complete.</summary>
    private sealed class SyncProgress(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}
