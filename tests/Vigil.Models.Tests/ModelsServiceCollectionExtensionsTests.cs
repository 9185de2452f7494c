using Microsoft.Extensions.DependencyInjection;
using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Models.Store;

namespace Vigil.Models.Tests;

public sealed class ModelsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddModelStore_RegistryCreatesIsolationForestFromStore()
    {
        using var dir = new TempDirectory();
        var store = new ModelStore(new ModelStoreOptions { Directory = dir.Path });
        store.WriteCandidate(TestModels.File());
        store.Promote("checkout");
        using var services = new ServiceCollection().AddModelStore(new ModelStoreOptions { Directory = dir.Path }).BuildServiceProvider();

        var registry = new DetectorRegistry(services.GetServices<IDetectorFactory>());
        var detector = registry.Create(new DetectorSpec("isolation_forest", new Dictionary<string, string> { ["model"] = "checkout" }));

        Assert.IsType<IsolationForestDetector>(detector);
        Assert.Same(services.GetRequiredService<ModelStoreProvider>(), services.GetRequiredService<IModelProvider>());
    }
}
