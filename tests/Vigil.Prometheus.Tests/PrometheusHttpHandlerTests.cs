using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Prometheus.Tests.TestSupport;

namespace Vigil.Prometheus.Tests;

/// <summary>TLS options against a real https loopback server with a private CA.</summary>
public sealed class PrometheusHttpHandlerTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public async Task Create_CaFileOfTheServersCa_TrustsTheServer()
    {
        using var certificates = TestCertificates.Create();
        await using var server = await FakePrometheusServer.StartAsync(certificates.Server, CannedResponse.Golden("matrix.json"));
        var caFile = certificates.WriteCaPem();
        try
        {
            var client = CreateSut(new PrometheusClientOptions { BaseUrl = Https(server), CaFile = caFile, MaxRetries = 0 });

            var batch = await client.QueryRangeAsync("up", Start, Start.AddMinutes(1), TimeSpan.FromSeconds(15), CancellationToken.None);

            Assert.Equal(10, batch.SeriesCount);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public async Task Create_UnknownCa_FailsWithNonTransientTransportException()
    {
        using var certificates = TestCertificates.Create();
        await using var server = await FakePrometheusServer.StartAsync(certificates.Server, CannedResponse.Golden("matrix.json"));
        var client = CreateSut(new PrometheusClientOptions { BaseUrl = Https(server), MaxRetries = 3, RetryBaseDelay = TimeSpan.FromMilliseconds(1) });

        var ex = await Assert.ThrowsAsync<PrometheusTransportException>(() =>
            client.QueryRangeAsync("up", Start, Start.AddMinutes(1), TimeSpan.FromSeconds(15), CancellationToken.None));

        // A certificate problem does not go away by retrying.
        Assert.False(ex.IsTransient);
        Assert.Contains("SecureConnectionError", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public async Task Create_InsecureSkipVerify_AcceptsAnyCertificate()
    {
        using var certificates = TestCertificates.Create();
        await using var server = await FakePrometheusServer.StartAsync(certificates.Server, CannedResponse.Golden("matrix.json"));
        var client = CreateSut(new PrometheusClientOptions { BaseUrl = Https(server), InsecureSkipVerify = true });

        var batch = await client.QueryRangeAsync("up", Start, Start.AddMinutes(1), TimeSpan.FromSeconds(15), CancellationToken.None);

        Assert.Equal(10, batch.SeriesCount);
    }

    [Theory]
    [InlineData(true, System.Net.DecompressionMethods.All)]
    [InlineData(false, System.Net.DecompressionMethods.None)]
    public void Create_Compression_AsksForAndInflatesGzipOnlyWhenOn(bool compression, System.Net.DecompressionMethods expected)
    {
        // Without automatic decompression SocketsHttpHandler sends no Accept-Encoding, so Prometheus answers uncompressed.
        using var handler = PrometheusHttpHandler.Create(new PrometheusClientOptions { Compression = compression });

        Assert.Equal(expected, handler.AutomaticDecompression);
    }

    private static Uri Https(FakePrometheusServer server) => new UriBuilder(server.BaseUrl) { Scheme = "https" }.Uri;

    private static PrometheusClient CreateSut(PrometheusClientOptions options) =>
        new(new HttpClient(PrometheusHttpHandler.Create(options)), options, NullLogger<PrometheusClient>.Instance, TimeProvider.System);
}
