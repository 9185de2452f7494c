using Vigil.Core.Series;
using Vigil.Models.Shadow;
using Vigil.Models.Store;
using Vigil.Models.Validation;

namespace Vigil.Models.Tests.Shadow;

public sealed class ShadowEvaluatorTests
{
    private static readonly Labels Entity = Labels.From(new Label("instance", "a"));

    [Fact]
    public void ConcludeIfDue_BeforeDuration_DoesNothing()
    {
        using var dir = new TempDirectory();
        var (sut, provider, time) = CreateSut(dir, new PromotionPolicyOptions { MinRows = 0 });
        Feed(sut, 200);
        time.Advance(TimeSpan.FromHours(23));

        Assert.Null(sut.ConcludeIfDue());
        Assert.True(provider.Store.HasCandidate("checkout"));
    }

    [Fact]
    public void ConcludeIfDue_GoodCandidate_PromotedAndSwappedLive()
    {
        using var dir = new TempDirectory();
        var (sut, provider, time) = CreateSut(dir, new PromotionPolicyOptions { MinRows = 100, MaxAnomalyRate = 0.2 });
        var handle = provider.Get("checkout");
        Feed(sut, 200);
        time.Advance(TimeSpan.FromHours(24));

        var outcome = sut.ConcludeIfDue();

        Assert.NotNull(outcome);
        Assert.True(outcome.Decision.Promote, outcome.Decision.ToString());
        Assert.Equal(sut.Candidate.Version, handle.Current.Version);
        Assert.Equal(outcome.CandidateVersion, outcome.ActiveVersion);
        Assert.False(provider.Store.HasCandidate("checkout"));
        Assert.Null(sut.ConcludeIfDue()); // decides once
    }

    [Fact]
    public void ConcludeIfDue_PolicyRejects_CandidateDiscardedActiveKept()
    {
        using var dir = new TempDirectory();
        var (sut, provider, time) = CreateSut(dir, new PromotionPolicyOptions { MinRows = 1_000_000 });
        var before = provider.Get("checkout").Current.Version;
        Feed(sut, 50);
        time.Advance(TimeSpan.FromDays(2));

        var outcome = sut.ConcludeIfDue();

        Assert.False(outcome!.Decision.Promote);
        Assert.Equal(before, provider.Get("checkout").Current.Version);
        Assert.False(provider.Store.HasCandidate("checkout"));
    }

    [Fact]
    public void Observe_ScoresBothModels_AndSnapshotCountsRows()
    {
        using var dir = new TempDirectory();
        var (sut, _, _) = CreateSut(dir, new PromotionPolicyOptions());

        var verdicts = sut.Observe(Entity, 0, [1000.0, -1000.0]);
        Feed(sut, 9);

        Assert.True(verdicts.Active.IsAnomaly);
        Assert.True(verdicts.Candidate.IsAnomaly);
        var snapshot = sut.Snapshot();
        Assert.Equal(10, snapshot.Candidate.Rows);
        Assert.Equal(10, snapshot.Active!.Rows);
        Assert.True(snapshot.Candidate.ScoreMax > 1);
    }

    private static void Feed(ShadowEvaluator sut, int rows)
    {
        var x = TestModels.Cloud(rows, 2, seed: 77);
        for (var r = 0; r < rows; r++)
        {
            sut.Observe(Entity, r * 60_000L, x.Row(r));
        }
    }

    private static (ShadowEvaluator Sut, ModelStoreProvider Provider, FakeTimeProvider Time) CreateSut(TempDirectory dir, PromotionPolicyOptions policy)
    {
        var store = new ModelStore(new ModelStoreOptions { Directory = dir.Path });
        store.WriteCandidate(TestModels.File(createdAt: TestModels.T0, seed: 1));
        store.Promote("checkout");
        store.WriteCandidate(TestModels.File(createdAt: TestModels.T0.AddDays(1), seed: 2));
        var provider = new ModelStoreProvider(store);
        var time = new FakeTimeProvider(TestModels.T0.AddDays(1));
        var sut = new ShadowEvaluator("checkout", provider, new PromotionPolicy(policy), new ShadowOptions(), time);
        return (sut, provider, time);
    }
}
