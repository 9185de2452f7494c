using Vigil.Pipeline.Tests.Fakes;
using Vigil.Testing.Servers;
using Vigil.Tests.Support;

namespace Vigil.Tests.Cli;

/// <summary>`run` and `config check` send each query to a real Prometheus once before the first cycle (issue #11, item 2).</summary>
public sealed class StartupValidationTests : IDisposable
{
    private const string BadQuery = "sum by (instance (rate(x[5m])";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ConfigCheckAndRun_PromqlSyntaxError_ExitTwoWithTheJobPath()
    {
        await using var prometheus = await PrometheusServer.StartAsync("- job_name: self\n  static_configs:\n    - targets: ['127.0.0.1:{port}']", TimeSpan.FromSeconds(60));
        var path = await WriteAsync(prometheus.BaseUrl, "up", BadQuery);

        var (checkExit, _, checkErr) = await VigilProcess.RunAsync(null, "config", "check", path);
        var (runExit, _, runErr) = await VigilProcess.RunAsync(null, "run", "--config", path);

        Assert.Equal(2, checkExit);
        Assert.Contains("jobs[1].query: Prometheus rejects the query: ", checkErr, StringComparison.Ordinal);
        Assert.DoesNotContain("jobs[0]", checkErr, StringComparison.Ordinal);
        Assert.Equal(2, runExit);
        Assert.Contains("jobs[1].query: Prometheus rejects the query: ", runErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", runErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_ValidQueriesAgainstRealPrometheus_ExitsZero()
    {
        await using var prometheus = await PrometheusServer.StartAsync("- job_name: self\n  static_configs:\n    - targets: ['127.0.0.1:{port}']", TimeSpan.FromSeconds(60));
        var path = await WriteAsync(prometheus.BaseUrl, "up", "sum by (instance) (rate(prometheus_http_requests_total[5m]))");

        var (exit, _, stderr) = await VigilProcess.RunAsync(null, "config", "check", path);

        Assert.True(exit == 0, stderr);
    }

    [Fact]
    public async Task ConfigCheck_PrometheusUnreachable_ExitsOneUnlessOffline()
    {
        var path = await WriteAsync(new Uri("http://127.0.0.1:9"), "up", BadQuery);

        var (onlineExit, _, onlineErr) = await VigilProcess.RunAsync(null, "config", "check", path);
        var (offlineExit, _, offlineErr) = await VigilProcess.RunAsync(null, "config", "check", "--offline", path);

        Assert.Equal(1, onlineExit);
        Assert.Contains("sources.prometheus.url: cannot reach Prometheus at http://127.0.0.1:9/", onlineErr, StringComparison.Ordinal);
        Assert.True(offlineExit == 0, offlineErr);
    }

    private async Task<string> WriteAsync(Uri prometheus, string first, string second)
    {
        var path = _temp.File($"vigil-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, $$"""
            server: { listen_address: 127.0.0.1, port: 0 }
            sources:
              prometheus: { url: '{{prometheus}}', max_retries: 0 }
            jobs:
              - name: a
                query: '{{first}}'
              - name: b
                query: '{{second}}'
            """);
        return path;
    }
}
