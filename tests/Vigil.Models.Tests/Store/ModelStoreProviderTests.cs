using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Models.Files;
using Vigil.Models.Store;

namespace Vigil.Models.Tests.Store;

public sealed class ModelStoreProviderTests
{
    [Fact]
    public void Get_NoActiveModel_FailsNamingFile()
    {
        using var dir = new TempDirectory();
        var provider = new ModelStoreProvider(new ModelStore(new ModelStoreOptions { Directory = dir.Path }));

        var ex = Assert.Throws<ModelFileException>(() => provider.Get("checkout"));

        Assert.Contains(Path.Combine(dir.Path, "checkout", "active.vmodel"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Promote_SwapsRunningDetectorWithoutNewSeries()
    {
        using var dir = new TempDirectory();
        var store = StoreWithActiveV1(dir);
        var provider = new ModelStoreProvider(store);
        var detector = new IsolationForestDetectorFactory(provider).Create(new Dictionary<string, string> { ["model"] = "checkout" });
        var series = detector.CreateSeries();
        var v2 = TestModels.File(createdAt: TestModels.T0.AddDays(1), seed: 2);
        store.WriteCandidate(v2);

        provider.Promote("checkout");

        Assert.Equal(v2.Header.Version, ((IsolationForestDetector)detector).Model.Current.Version);
        Assert.Equal(VerdictKind.Scored, series.Observe(0, [0.0, 10.0]).Kind);
    }

    [Fact]
    public void ReloadChanged_AfterPromotionByAnotherProcess_SwapsOnceAndKeepsRunningModelWhenFileBreaks()
    {
        using var dir = new TempDirectory();
        var store = StoreWithActiveV1(dir);
        var provider = new ModelStoreProvider(store);
        var handle = provider.Get("checkout");
        var unchanged = provider.ReloadChanged();

        var v2 = PromoteV2ByAnotherProcess(dir);
        var changed = provider.ReloadChanged();
        var again = provider.ReloadChanged();

        File.WriteAllText(store.ActivePath("checkout"), "not a model at all");
        var broken = provider.ReloadChanged();
        var brokenAgain = provider.ReloadChanged();

        Assert.Empty(unchanged.Reloaded);
        Assert.Equal(["checkout"], changed.Reloaded);
        Assert.Empty(again.Reloaded);
        Assert.Single(broken.Failures);
        Assert.Contains("active.vmodel", broken.Failures[0].Message, StringComparison.Ordinal);
        Assert.Empty(brokenAgain.Failures);
        Assert.Equal(v2.Header.Version, handle.Current.Version); // the running model survived the bad write
    }

    [Fact]
    public void Reload_AfterPromotionByAnotherProcess_SwapsHandle()
    {
        using var dir = new TempDirectory();
        var store = StoreWithActiveV1(dir);
        var provider = new ModelStoreProvider(store);
        var handle = provider.Get("checkout");

        var v2 = PromoteV2ByAnotherProcess(dir);
        provider.Reload("checkout");

        Assert.Equal(v2.Header.Version, handle.Current.Version);
    }

    [Fact]
    public void Promote_CandidateWithOtherFeatures_RefusedWhileRunning()
    {
        using var dir = new TempDirectory();
        var store = StoreWithActiveV1(dir);
        var v1 = store.LoadActive("checkout");
        var provider = new ModelStoreProvider(store);
        provider.Get("checkout");
        var other = TestModels.File(createdAt: TestModels.T0.AddDays(1), seed: 2);
        var renamed = ModelFileFormat.Create(
            new ModelDescription { Name = "checkout", CreatedAt = other.Header.CreatedAt },
            new AnomalyModel("x", ["cpu", "memory"], other.Model.Scaler, other.Model.Forest));
        store.WriteCandidate(renamed);

        var ex = Assert.Throws<ModelFileException>(() => provider.Promote("checkout"));

        Assert.Contains("differ from the running model", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(v1.Header.Version, store.LoadActive("checkout").Header.Version);
        Assert.Equal(v1.Header.Version, provider.Get("checkout").Current.Version);
    }

    [Fact]
    public void Rollback_SwapsRunningHandleBack()
    {
        using var dir = new TempDirectory();
        var store = StoreWithActiveV1(dir);
        var v1 = store.LoadActive("checkout");
        var provider = new ModelStoreProvider(store);
        var handle = provider.Get("checkout");
        store.WriteCandidate(TestModels.File(createdAt: TestModels.T0.AddDays(1), seed: 2));
        provider.Promote("checkout");

        provider.Rollback("checkout");

        Assert.Equal(v1.Header.Version, handle.Current.Version);
    }

    /// <summary>A store in <paramref name="dir"/> whose "checkout" has an active model (version 1).</summary>
    private static ModelStore StoreWithActiveV1(TempDirectory dir)
    {
        var store = new ModelStore(new ModelStoreOptions { Directory = dir.Path });
        store.WriteCandidate(TestModels.File(createdAt: TestModels.T0, seed: 1));
        store.Promote("checkout");
        return store;
    }

    /// <summary>The CLI promotes through its own store instance; a running provider only learns of it by reloading.</summary>
    private static ModelFile PromoteV2ByAnotherProcess(TempDirectory dir)
    {
        var cli = new ModelStore(new ModelStoreOptions { Directory = dir.Path });
        var v2 = TestModels.File(createdAt: TestModels.T0.AddDays(1), seed: 2);
        cli.WriteCandidate(v2);
        cli.Promote("checkout");
        return v2;
    }
}
