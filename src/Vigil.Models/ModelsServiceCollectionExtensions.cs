using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Models.Store;

namespace Vigil.Models;

public static class ModelsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the model store at <see cref="ModelStoreOptions.Directory"/>, its <see cref="ModelStoreProvider"/> as the
    /// <see cref="IModelProvider"/>, and the <c>isolation_forest</c> detector factory as an <see cref="IDetectorFactory"/>
    /// (build the <see cref="DetectorRegistry"/> from every registered factory). Models load when detectors are created.
    /// </summary>
    public static IServiceCollection AddModelStore(this IServiceCollection services, ModelStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(new ModelStore(options));
        services.AddSingleton<ModelStoreProvider>();
        services.AddSingleton<IModelProvider>(sp => sp.GetRequiredService<ModelStoreProvider>());
        services.AddSingleton<IDetectorFactory>(sp => new IsolationForestDetectorFactory(sp.GetRequiredService<IModelProvider>()));
        return services;
    }
}
