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
        var store = new ModelStore(new ModelStoreOptions { Directory = dir.Path });
        store.WriteCandidate(TestModels.File(createdAt: TestModels.T0, seed: 1));
        store.Promote("checkout");
        var provider = new ModelStoreProvider(store);
        var detector = new IsolationForestDetectorFactory(provider).Create(new Dictionary<string, string> { ["model"] = "checkout" });
        var series = detector.CreateSeries();
        var v2 = TestModels.File(createdAt: TestModels.T0.AddDays(1), seed: 2);
        store.WriteCandidate(v2);

        provider.Promote("checkout");

        Assert.Equal(v2.Header.Version, ((IsolationForestDetector)detector).Model.Current.Version);
        Assert.Equal(VerdictKind.Scored, series.Observe(0, [0.0, 10.0]).Kind);
    }
}
