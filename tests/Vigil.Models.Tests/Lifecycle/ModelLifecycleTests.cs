using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Core.Sources;
using Vigil.Models.Files;
using Vigil.Models.Lifecycle;
using Vigil.Models.Shadow;
using Vigil.Models.Store;
using Vigil.Models.Training;
using Vigil.Models.Validation;

namespace Vigil.Models.Tests.Lifecycle;

public sealed class ModelLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TickAsync_NoActiveModel_TrainsAndPromotesWithoutShadow()
    {
        using var dir = new TempDirectory();
        var (sut, provider, _, _) = CreateSut(dir);

        var e = await sut.TickAsync(CancellationToken.None);

        Assert.Equal(LifecycleEventKind.Promoted, e!.Kind);
        Assert.Equal(e.CandidateVersion, provider.Get("checkout").Current.Version);
        Assert.Equal(1, sut.Stats.Promotions);
        Assert.Equal(1, sut.Stats.Trainings);
        Assert.Equal(Now, sut.Stats.ActiveCreatedAt);
        Assert.Null(sut.Shadow);
    }

    [Fact]
    public async Task TickAsync_FreshActiveModel_NothingDue()
    {
        using var dir = new TempDirectory();
        var (sut, _, _, time) = CreateSut(dir);
        await sut.TickAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromHours(23));

        Assert.Null(await sut.TickAsync(CancellationToken.None));
        Assert.Equal(1, sut.Stats.Trainings);
    }

    [Fact]
    public async Task TickAsync_ActiveModelDue_ShadowsThenDecides()
    {
        using var dir = new TempDirectory();
        var (sut, provider, _, time) = CreateSut(dir);
        await sut.TickAsync(CancellationToken.None);
        var first = provider.Get("checkout").Current.Version;
        time.Advance(TimeSpan.FromHours(24));

        var started = await sut.TickAsync(CancellationToken.None);

        Assert.Equal(LifecycleEventKind.ShadowStarted, started!.Kind);
        Assert.NotNull(sut.Shadow);
        Assert.True(sut.Stats.Shadowing);
        Assert.Equal(first, provider.Get("checkout").Current.Version); // still scoring with the active model

        // Live points seen by both models during the shadow period.
        var rows = new FakeMetricSource();
        var live = await rows.QueryRangeAsync("cpu", Now, Now.AddHours(3), TimeSpan.FromMinutes(1), CancellationToken.None);
        var x = new[] { 50.0, 100.0, 5.0 };
        for (var i = 0; i < live.GetValues(0).Length; i++)
        {
            sut.Shadow!.Observe(live.GetLabels(0), live.GetTimestamps(0)[i], x);
        }

        Assert.Null(await sut.TickAsync(CancellationToken.None)); // period not over
        time.Advance(TimeSpan.FromHours(24));
        var decided = await sut.TickAsync(CancellationToken.None);

        Assert.Contains(decided!.Kind, new[] { LifecycleEventKind.Promoted, LifecycleEventKind.Discarded });
        Assert.Null(sut.Shadow);
        Assert.False(sut.Stats.Shadowing);
        Assert.False(provider.Store.HasCandidate("checkout"));
        Assert.Equal(decided.Kind == LifecycleEventKind.Promoted ? started.CandidateVersion : first, provider.Get("checkout").Current.Version);
    }

    [Fact]
    public async Task TickAsync_CandidateCorruptedDuringShadow_PromotionFailsActiveKept()
    {
        using var dir = new TempDirectory();
        var (sut, provider, _, time) = CreateSut(dir);
        await sut.TickAsync(CancellationToken.None);
        var first = provider.Get("checkout").Current.Version;
        time.Advance(TimeSpan.FromHours(24));
        await sut.TickAsync(CancellationToken.None);
        var x = new[] { 50.0, 100.0, 5.0 };
        for (var i = 0; i < 200; i++)
        {
            sut.Shadow!.Observe(Core.Series.Labels.Empty, i * 60_000L, x);
        }

        var path = provider.Store.CandidatePath("checkout");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^10]);
        time.Advance(TimeSpan.FromHours(24));
        var e = await sut.TickAsync(CancellationToken.None);

        Assert.Equal(LifecycleEventKind.PromotionFailed, e!.Kind);
        Assert.Contains("truncated", e.Error, StringComparison.Ordinal);
        Assert.Equal(first, provider.Get("checkout").Current.Version);
        Assert.Null(sut.Shadow);
    }

    [Fact]
    public async Task TickAsync_SourceDown_CountsFailureAndBacksOff()
    {
        using var dir = new TempDirectory();
        var (sut, _, source, time) = CreateSut(dir);
        source.Failure = new MetricSourceException("prometheus_query", "connection refused") { IsTransient = true };

        var failed = await sut.TickAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(30));
        var backingOff = await sut.TickAsync(CancellationToken.None);
        source.Failure = null;
        time.Advance(TimeSpan.FromMinutes(31));
        var retried = await sut.TickAsync(CancellationToken.None);

        Assert.Equal(LifecycleEventKind.TrainingFailed, failed!.Kind);
        Assert.Contains("connection refused", failed.Error, StringComparison.Ordinal);
        Assert.Null(backingOff);
        Assert.Equal(LifecycleEventKind.Promoted, retried!.Kind);
        Assert.Equal(1, sut.Stats.TrainingFailures);
    }

    [Fact]
    public async Task Rollback_CountsAndSwaps()
    {
        using var dir = new TempDirectory();
        var (sut, provider, _, time) = CreateSut(dir, shadowing: false);
        await sut.TickAsync(CancellationToken.None);
        var first = provider.Get("checkout").Current.Version;
        time.Advance(TimeSpan.FromHours(25));
        var second = await sut.TickAsync(CancellationToken.None);
        Assert.Equal(LifecycleEventKind.Promoted, second!.Kind);

        sut.Rollback();

        Assert.Equal(first, provider.Get("checkout").Current.Version);
        Assert.Equal(1, sut.Stats.Rollbacks);
        Assert.Equal(first, sut.Stats.ActiveVersion);
    }

    [Fact]
    public async Task Promote_DuringShadow_SwapsCountsAndEndsTheComparison()
    {
        using var dir = new TempDirectory();
        var (sut, provider, _, time) = CreateSut(dir);
        await sut.TickAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromHours(24));
        var started = await sut.TickAsync(CancellationToken.None);
        Assert.Equal(LifecycleEventKind.ShadowStarted, started!.Kind);
        var promotionsBefore = sut.Stats.Promotions;

        var file = sut.Promote();

        Assert.Equal(started.CandidateVersion, file.Header.Version);
        Assert.Equal(started.CandidateVersion, provider.Get("checkout").Current.Version);
        Assert.Equal(started.CandidateVersion, sut.Stats.ActiveVersion);
        Assert.Equal(promotionsBefore + 1, sut.Stats.Promotions);
        Assert.Null(sut.Shadow);
        Assert.False(sut.Stats.Shadowing);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Null(await sut.TickAsync(CancellationToken.None)); // nothing left to conclude, no failure counted
        Assert.Equal(0, sut.Stats.TrainingFailures);
    }

    [Fact]
    public async Task Promote_NoCandidate_ThrowsAndChangesNothing()
    {
        using var dir = new TempDirectory();
        var (sut, provider, _, _) = CreateSut(dir, shadowing: false);
        await sut.TickAsync(CancellationToken.None);
        var active = provider.Get("checkout").Current.Version;

        Assert.Throws<ModelFileException>(() => sut.Promote());

        Assert.Equal(active, provider.Get("checkout").Current.Version);
        Assert.Equal(1, sut.Stats.Promotions); // the first training's, not this attempt's
    }

    private static (ModelLifecycle Sut, ModelStoreProvider Provider, FakeMetricSource Source, FakeTimeProvider Time) CreateSut(TempDirectory dir, bool shadowing = true)
    {
        var store = new ModelStore(new ModelStoreOptions { Directory = dir.Path });
        var provider = new ModelStoreProvider(store);
        var source = new FakeMetricSource();
        var time = new FakeTimeProvider(Now);
        var trainer = new Trainer(source, store, time, new TrainerOptions());
        var spec = new TrainingSpec
        {
            Name = "checkout",
            Features = [new FeatureQuery("cpu", "cpu", ScalingKind.Standard), new FeatureQuery("latency", "latency"), new FeatureQuery("queue", "queue")],
            JoinLabels = ["instance"],
            Forest = new IsolationForestOptions { RandomState = 1, Estimators = 30, Contamination = 0.01 },
        };
        var options = new ModelLifecycleOptions
        {
            FitWindow = TimeSpan.FromDays(1),
            Shadow = shadowing ? new ShadowOptions() : null,
            Promotion = new PromotionPolicyOptions { MinRows = 50, MaxAnomalyRate = 0.2 },
        };
        return (new ModelLifecycle(spec, trainer, provider, options, time), provider, source, time);
    }
}
