using k8s;
using Vigil.Logs.Kubernetes;
using Vigil.Logs.Sources.Kubernetes;

namespace Vigil.Logs.Kubernetes.Tests;

/// <summary>
/// KubernetesClient against a loopback fake API server that answers with recorded pod lists and logs
/// (<c>recorded/</c>), and records what it was asked.
/// </summary>
public sealed class KubernetesPodLogSourceTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_030); // 2023-11-14T22:13:50Z

    private readonly FakeApiServer _server = new();

    public void Dispose() => _server.Dispose();

    private static string Recorded(string name) => FakeApiServer.Recorded(name);

    private KubernetesPodLogSource CreateSut(IReadOnlyDictionary<string, ContainerCheckpoint>? checkpoint = null) =>
        new(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _server.Url }),
            new KubernetesLogOptions { Namespace = "shop", LabelSelector = "app=checkout", TailLines = 200 },
            new FixedTime(Now),
            checkpoint);

    [Fact]
    public async Task Poll_FirstThenNext_TailThenOnlyNewLines()
    {
        _server.Logs.Enqueue(Recorded("tail.log"));
        _server.Logs.Enqueue(Recorded("since.log"));
        var sut = CreateSut();

        var first = await sut.PollAsync(CancellationToken.None);
        var second = await sut.PollAsync(CancellationToken.None);

        Assert.Equal(3, first.Count);
        Assert.All(first, l => Assert.Equal("checkout-7d9f8b6c5d-x2k4p", l.Pod));
        Assert.Equal("level=error msg=\"card declined\" order_id=1003", Assert.Single(second).Line);
        var pods = _server.Requests[0];
        Assert.Equal("/api/v1/namespaces/shop/pods", pods.Path);
        Assert.Equal("app=checkout", pods.Query["labelSelector"]);
        var tail = _server.Requests[1];
        Assert.Equal("/api/v1/namespaces/shop/pods/checkout-7d9f8b6c5d-x2k4p/log", tail.Path);
        Assert.Equal("200", tail.Query["tailLines"]);
        Assert.Equal("true", tail.Query["timestamps"]);
        Assert.Equal("app", tail.Query["container"]);
        var since = _server.Requests[3];
        Assert.Null(since.Query["tailLines"]);
        Assert.Equal("30", since.Query["sinceSeconds"]); // 22:13:50 − 22:13:21.5, rounded up, plus overlap
        Assert.DoesNotContain(_server.Requests, r => r.Path.Contains("p9zq2", StringComparison.Ordinal)); // Pending: no log yet
    }

    [Fact]
    public async Task Restart_FromCheckpoint_NeitherLosesNorRereads()
    {
        _server.Logs.Enqueue(Recorded("tail.log"));
        var first = CreateSut();
        await first.PollAsync(CancellationToken.None);

        _server.Logs.Enqueue(Recorded("since.log"));
        var restarted = CreateSut(first.Checkpoint);
        var lines = await restarted.PollAsync(CancellationToken.None);

        Assert.Equal(["level=error msg=\"card declined\" order_id=1003"], lines.Select(l => l.Line));
        Assert.Equal(1_700_000_020_000_000_000, restarted.Checkpoint["checkout-7d9f8b6c5d-x2k4p/app"].TimestampNs);
    }

    [Fact]
    public async Task Poll_ApiError_ThrowsAndCheckpointUnchanged()
    {
        _server.Logs.Enqueue(Recorded("tail.log"));
        var sut = CreateSut();
        await sut.PollAsync(CancellationToken.None);
        var before = sut.Checkpoint;
        _server.FailLogs = true;

        await Assert.ThrowsAsync<KubernetesLogException>(() => sut.PollAsync(CancellationToken.None));

        Assert.Equal(before["checkout-7d9f8b6c5d-x2k4p/app"], sut.Checkpoint["checkout-7d9f8b6c5d-x2k4p/app"]);
    }

    [Theory]
    [InlineData("2023-11-14T22:13:20Z", 1_700_000_000_000_000_000)]
    [InlineData("2023-11-14T22:13:20.5Z", 1_700_000_000_500_000_000)]
    [InlineData("2023-11-14T22:13:20.000000001Z", 1_700_000_000_000_000_001)]
    public void TryParseTimestamp_Rfc3339Nano_Nanoseconds(string text, long expected)
    {
        Assert.True(KubernetesPodLogSource.TryParseTimestamp(text, out var ns));
        Assert.Equal(expected, ns);
    }

    [Theory]
    [InlineData("2023-11-14 22:13:20Z")]
    [InlineData("2023-11-14T22:13:20.1234567890Z")]
    [InlineData("2023-11-14T22:13:20+01:00")]
    public void TryParseTimestamp_Malformed_False(string text)
    {
        Assert.False(KubernetesPodLogSource.TryParseTimestamp(text, out _));
    }
}
