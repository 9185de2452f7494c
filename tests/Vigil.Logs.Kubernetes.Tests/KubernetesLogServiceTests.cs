using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Detection;
using Vigil.Exposition;
using Vigil.Logs.Configuration;
using Vigil.Logs.Service;
using Vigil.Logs.Sources.Kubernetes;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Logs.Kubernetes.Tests;

/// <summary>
/// <c>type: kubernetes</c> run by the log service as <c>vigil run</c> composes it (AddLogMining +
/// AddKubernetesLogSources), the client configured from a kubeconfig that points at the loopback fake API server.
/// </summary>
public sealed class KubernetesLogServiceTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_030);
    private readonly FakeApiServer _server = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-k8s-service-").FullName;

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private ServiceProvider CreateHost(FakeTimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        var source = new LogSourceOptions
        {
            Name = "pods",
            Kubernetes = new KubernetesLogOptions { Namespace = "shop", LabelSelector = "app=checkout", PollInterval = TimeSpan.FromSeconds(30), Kubeconfig = _server.WriteKubeconfig(Path.Combine(_dir, "kubeconfig")) },
        };
        services.AddLogMining(new LogsOptions { Sources = [source], Detector = new DetectorSpec("rolling_sigma", new Dictionary<string, string> { ["window"] = "4", ["min_points"] = "2" }) }, Path.Combine(_dir, "state"));
        services.AddKubernetesLogSources();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Run_KubernetesSource_TailThenIncrementsMinedAndRestartResumesFromTheCheckpoint()
    {
        _server.Logs.Enqueue(FakeApiServer.Recorded("tail.log"));
        _server.Logs.Enqueue(FakeApiServer.Recorded("since.log"));
        var time = new FakeTimeProvider(Now);
        await using (var host = CreateHost(time))
        {
            var hosted = host.GetServices<IHostedService>().ToList();
            foreach (var service in hosted)
            {
                await service.StartAsync(CancellationToken.None);
            }

            var sources = host.GetRequiredService<LogSources>();
            await WaitUntilAsync(() => Lines(sources) == 3, "the last lines of the container");
            await AdvanceUntilAsync(time, () => Lines(sources) == 4, "the increment after one poll interval");
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }

            var counts = sources.Query("pods", DateTimeOffset.MinValue, DateTimeOffset.MaxValue)!;
            Assert.Equal(4, counts.Templates.Sum(t => t.Count));
            Assert.Contains(counts.Templates, t => t.Count == 2 && t.Template.Contains("order placed", StringComparison.Ordinal));
            Assert.Equal(0, host.GetRequiredService<VigilMetrics>().Errors.WithLabels("log_source").Value);
        }

        var checkpoint = Assert.Single(Directory.GetFiles(Path.Combine(_dir, "state"), "*.checkpoint"));
        Assert.StartsWith("vigil-kubernetes-checkpoint 1\ncheckout-7d9f8b6c5d-x2k4p/app\t1700000020000000000\t", await File.ReadAllTextAsync(checkpoint), StringComparison.Ordinal);

        // Restart: the same log is served again; nothing is re-read, and the first request is an increment, not a tail.
        _server.Logs.Enqueue(FakeApiServer.Recorded("since.log"));
        var before = _server.Requests.Count;
        await using (var restarted = CreateHost(new FakeTimeProvider(Now.AddSeconds(40))))
        {
            var hosted = restarted.GetServices<IHostedService>().ToList();
            foreach (var service in hosted)
            {
                await service.StartAsync(CancellationToken.None);
            }

            await WaitUntilAsync(() => _server.Requests.Count >= before + 2, "the first poll after the restart");
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }

            Assert.Equal(0, Lines(restarted.GetRequiredService<LogSources>()));
            var read = _server.Requests[before + 1];
            Assert.Null(read.Query["tailLines"]);
            Assert.NotNull(read.Query["sinceSeconds"]);
        }
    }

    [Fact]
    public async Task Run_ApiServerFails_CountsLogSourceErrorAndKeepsPolling()
    {
        _server.FailLogs = true;
        var time = new FakeTimeProvider(Now);
        await using var host = CreateHost(time);
        var hosted = host.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var errors = host.GetRequiredService<VigilMetrics>().Errors.WithLabels("log_source");
        await WaitUntilAsync(() => errors.Value == 1, "the first failed poll counted");
        _server.FailLogs = false;
        _server.Logs.Enqueue(FakeApiServer.Recorded("tail.log"));
        await AdvanceUntilAsync(time, () => Lines(host.GetRequiredService<LogSources>()) == 3, "the lines once the server answers again");
        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Equal(1, errors.Value);
    }

    private static long Lines(LogSources sources) => sources.Query("pods", DateTimeOffset.MinValue, DateTimeOffset.MaxValue)!.Lines;

    /// <summary>Waits (bounded: only a broken build hits the bound) for the service loop, which runs on the thread pool.</summary>
    /// <summary>
    /// Advances the fake clock a poll interval at a time until <paramref name="condition"/> holds. One advance is not
    /// always enough: under load the poller may arm its next timer only after the clock moved, and then the next
    /// advance fires it; an extra poll finds no new lines.
    /// </summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition, string what)
    {
        for (var advance = 0; advance < 20 && !condition(); advance++)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            for (var i = 0; i < 200 && !condition(); i++)
            {
                await Task.Delay(10);
            }
        }

        Assert.True(condition(), "timed out waiting for " + what);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "timed out waiting for " + what);
    }
}
