using System.Globalization;
using Vigil.Tests.Support;

namespace Vigil.Tests.Cli;

/// <summary>`--push-gateway` on the batch commands, against the real Pushgateway.</summary>
public sealed class BatchPushTests : IClassFixture<PushgatewayServer>, IDisposable
{
    private readonly PushgatewayServer _gateway;
    private readonly TempDirectory _temp = new();

    public BatchPushTests(PushgatewayServer gateway) => _gateway = gateway;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Detect_WithPushGateway_PushesRowsAnomaliesAndLastSuccessUnderItsGroupingKey()
    {
        var csv = await SeriesWithOneSpikeAsync();

        var (exit, stdout, stderr) = await VigilProcess.RunAsync(
            null, "detect", csv, "--detector", "rolling_sigma", "--param", "window=60",
            "--push-gateway", _gateway.BaseUrl.ToString(), "--push-label", "dataset=cli/spike");

        Assert.True(exit == 0, stderr + stdout);
        var group = Group(await _gateway.ScrapeAsync(), "vigil_detect");
        Assert.All(group, l => Assert.Contains("dataset=\"cli/spike\"", l, StringComparison.Ordinal));
        Assert.Contains(group, l => l.StartsWith("vigil_batch_anomalies{", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
        Assert.Contains(group, l => l.StartsWith("vigil_batch_rows{", StringComparison.Ordinal) && l.Contains("status=\"ok\"", StringComparison.Ordinal));
        Assert.Contains(group, l => l.StartsWith("vigil_batch_last_success_timestamp_seconds{", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Detect_FailingRun_PushesTheFailureAndKeepsTheLastSuccess()
    {
        var csv = await SeriesWithOneSpikeAsync();
        var bad = _temp.File("bad.csv");
        await File.WriteAllTextAsync(bad, "timestamp,value\nyesterday,2\n");
        string[] push = ["--push-gateway", _gateway.BaseUrl.ToString(), "--push-job", "nightly-detect"];

        var (okExit, _, okErr) = await VigilProcess.RunAsync(null, ["detect", csv, .. push]);
        var (badExit, _, _) = await VigilProcess.RunAsync(null, ["detect", bad, .. push]);

        Assert.True(okExit == 0, okErr);
        Assert.NotEqual(0, badExit);
        var group = Group(await _gateway.ScrapeAsync(), "nightly-detect");
        Assert.Contains(group, l => l.StartsWith("vigil_batch_last_success_timestamp_seconds{", StringComparison.Ordinal));
        Assert.Contains(group, l => l.StartsWith("vigil_batch_last_failure_exit_code{", StringComparison.Ordinal) && l.EndsWith(" " + badExit.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Detect_GatewayUnreachable_RunStillSucceedsAndSaysTheResultsWereNotPushed()
    {
        var csv = await SeriesWithOneSpikeAsync();

        var (exit, _, stderr) = await VigilProcess.RunAsync(null, "detect", csv, "--push-gateway", $"http://127.0.0.1:{ServerProcess.FreePort()}");

        Assert.Equal(0, exit);
        Assert.Contains("push gateway: results not pushed after 4 attempt(s)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_InvalidPushLabel_IsAUsageError()
    {
        var csv = await SeriesWithOneSpikeAsync();

        var (exit, _, stderr) = await VigilProcess.RunAsync(null, "detect", csv, "--push-gateway", _gateway.BaseUrl.ToString(), "--push-label", "job=x", "--push-label", "nonsense");

        Assert.Equal(2, exit);
        Assert.Contains("push label 'job'", stderr, StringComparison.Ordinal);
        Assert.Contains("--push-label 'nonsense': expected name=value", stderr, StringComparison.Ordinal);
    }

    private async Task<string> SeriesWithOneSpikeAsync()
    {
        var csv = _temp.File($"s{Guid.NewGuid():N}.csv");
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var lines = new List<string> { "timestamp,value" };
        for (var i = 0; i < 200; i++)
        {
            var value = i == 150 ? 500 : 100 + (i % 7);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{start.AddMinutes(i):O},{value}"));
        }

        await File.WriteAllLinesAsync(csv, lines);
        return csv;
    }

    private static List<string> Group(string scrape, string job)
        => [.. scrape.Split('\n').Where(l => !l.StartsWith('#') && l.Contains($"job=\"{job}\"", StringComparison.Ordinal))];
}
