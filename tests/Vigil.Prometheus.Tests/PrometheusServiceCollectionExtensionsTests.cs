using Vigil.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Core.Sources;
using Vigil.Prometheus.Tests.TestSupport;

namespace Vigil.Prometheus.Tests;

public sealed class PrometheusServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddPrometheusClient_Resolved_QueriesTheConfiguredServer()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix.json"));
        var services = new ServiceCollection().AddLogging();
        services.AddPrometheusClient(new PrometheusClientOptions { BaseUrl = server.BaseUrl });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var source = provider.GetRequiredService<IMetricSource>();
        var batch = await source.QueryRangeAsync("up", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), DateTimeOffset.FromUnixTimeSeconds(1_700_000_060), TimeSpan.FromSeconds(15), CancellationToken.None);

        Assert.Same(provider.GetRequiredService<PrometheusClient>(), source);
        Assert.Equal(10, batch.SeriesCount);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public void AddPrometheusClient_InvalidOptions_ThrowsAtRegistrationListingEveryError()
    {
        var services = new ServiceCollection();

        var ex = Assert.Throws<ConfigException>(() =>
            services.AddPrometheusClient(new PrometheusClientOptions { Timeout = TimeSpan.Zero, PostThreshold = -1 }));

        Assert.Contains("sources.prometheus.timeout:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sources.prometheus.post_threshold:", ex.Message, StringComparison.Ordinal);
    }
}
