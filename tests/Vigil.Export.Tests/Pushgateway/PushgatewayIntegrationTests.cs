using Vigil.Export.Pushgateway;

namespace Vigil.Export.Tests.Pushgateway;

/// <summary>Against the real Pushgateway (Debian prometheus-pushgateway on loopback).</summary>
public sealed class PushgatewayIntegrationTests : IClassFixture<PushgatewayServer>
{
    private readonly PushgatewayServer _gateway;

    public PushgatewayIntegrationTests(PushgatewayServer gateway) => _gateway = gateway;

    [Fact]
    public async Task SuccessThenFailure_FailureKeepsTheLastSuccessAndResults()
    {
        var options = Options("keeps-success", "data/2026-12-06.csv");
        var client = Client(options);
        var success = new BatchRun("detect", TimeProvider.System);
        success.Record("vigil_batch_anomalies", "Points that scored above 1.", 3);

        var pushed = await client.PushAsync(success.SuccessPayload(0), PushMethod.Replace, CancellationToken.None);
        var failed = await client.PushAsync(new BatchRun("detect", TimeProvider.System).FailurePayload(1), PushMethod.Merge, CancellationToken.None);

        Assert.True(pushed.Succeeded, pushed.Error);
        Assert.True(failed.Succeeded, failed.Error);
        var group = Lines(await _gateway.ScrapeAsync(), "keeps-success");
        Assert.Contains(group, l => l.StartsWith("vigil_batch_anomalies{", StringComparison.Ordinal) && l.EndsWith(" 3", StringComparison.Ordinal));
        Assert.Contains(group, l => l.StartsWith("vigil_batch_last_success_timestamp_seconds{", StringComparison.Ordinal));
        Assert.Contains(group, l => l.StartsWith("vigil_batch_last_failure_timestamp_seconds{", StringComparison.Ordinal));
        Assert.Contains(group, l => l.StartsWith("process_resident_memory_bytes{", StringComparison.Ordinal));
        // The grouping label with a slash arrived decoded.
        Assert.All(group, l => Assert.Contains("file=\"data/2026-12-06.csv\"", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondSuccess_ReplacesTheGroupWithoutMixingRuns()
    {
        var client = Client(Options("replaces", "a"));
        var first = new BatchRun("bench nab", TimeProvider.System);
        first.Record("vigil_batch_first_only", "Only in the first run.", 1);
        var second = new BatchRun("bench nab", TimeProvider.System);
        second.Record("vigil_batch_anomalies", "Points that scored above 1.", 5);

        await client.PushAsync(first.SuccessPayload(0), PushMethod.Replace, CancellationToken.None);
        await client.PushAsync(second.SuccessPayload(0), PushMethod.Replace, CancellationToken.None);

        var group = Lines(await _gateway.ScrapeAsync(), "replaces");
        Assert.DoesNotContain(group, l => l.StartsWith("vigil_batch_first_only", StringComparison.Ordinal));
        Assert.Contains(group, l => l.StartsWith("vigil_batch_anomalies{", StringComparison.Ordinal) && l.EndsWith(" 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_RemovesTheGroupAndOnlyIt()
    {
        var keep = Client(Options("delete-keep", "x"));
        var gone = Client(Options("delete-gone", "x"));
        await keep.PushAsync(new BatchRun("train", TimeProvider.System).SuccessPayload(0), PushMethod.Replace, CancellationToken.None);
        await gone.PushAsync(new BatchRun("train", TimeProvider.System).SuccessPayload(0), PushMethod.Replace, CancellationToken.None);

        var deleted = await gone.DeleteAsync(CancellationToken.None);

        Assert.True(deleted.Succeeded, deleted.Error);
        var scrape = await _gateway.ScrapeAsync();
        Assert.Empty(Lines(scrape, "delete-gone"));
        Assert.NotEmpty(Lines(scrape, "delete-keep"));
    }

    [Fact]
    public async Task InconsistentPush_GatewayRejectsIt_ClearErrorNotRetried()
    {
        // The same metric name as a gauge in one group and a counter in another is rejected by the gateway (400).
        var client = Client(Options("inconsistent-a", "x"));
        var other = Client(Options("inconsistent-b", "x"));
        await client.PushAsync("# TYPE vigil_batch_kind gauge\nvigil_batch_kind 1\n"u8.ToArray(), PushMethod.Replace, CancellationToken.None);

        var result = await other.PushAsync("# TYPE vigil_batch_kind counter\nvigil_batch_kind 1\n"u8.ToArray(), PushMethod.Replace, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(1, result.Attempts);
        Assert.Contains("400", result.Error, StringComparison.Ordinal);
    }

    private PushgatewayClient Client(PushgatewayOptions options) => new(_gateway.Api, options, TimeProvider.System);

    private PushgatewayOptions Options(string job, string file) => new()
    {
        Url = _gateway.BaseUrl,
        Job = job,
        GroupingLabels = new Dictionary<string, string> { ["file"] = file },
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
    };

    private static List<string> Lines(string scrape, string job)
        => [.. scrape.Split('\n').Where(l => !l.StartsWith('#') && l.Contains($"job=\"{job}\"", StringComparison.Ordinal))];
}
