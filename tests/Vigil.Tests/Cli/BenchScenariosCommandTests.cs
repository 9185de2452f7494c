using Vigil.Backtesting.Scenarios;
using Vigil.Tests.Support;

namespace Vigil.Tests.Cli;

public sealed class BenchScenariosCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task BenchScenarios_ReducedSuiteWithOut_PrintsTheTargetsAndWritesEverySeries()
    {
        var (exit, stdout, stderr) = await VigilProcess.RunAsync(
            null, "bench", "scenarios", "--reduced", "--series-per-kind", "1", "--detector", "ewma", "--seed", "3", "--out", _temp.File("out"));

        Assert.True(exit == 0, stderr);
        Assert.Contains("seed 3, 7 series", stdout, StringComparison.Ordinal);
        Assert.Contains("Targets (ewma)", stdout, StringComparison.Ordinal);
        Assert.Contains("incidents detected", stdout, StringComparison.Ordinal);
        var files = Directory.GetFiles(_temp.File("out/ewma"), "*.csv").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(8, files.Length);
        Assert.Contains("incidents.csv", files);
        var series = await File.ReadAllLinesAsync(_temp.File("out/ewma/request_rate_0.csv"));
        Assert.Equal(ScenarioCsv.SeriesHeader, series[0]);
        Assert.Equal((4 * 1440) + 1, series.Length);
        Assert.EndsWith(",history,warmup", series[1], StringComparison.Ordinal);
        var incidents = await File.ReadAllLinesAsync(_temp.File("out/ewma/incidents.csv"));
        Assert.Equal(ScenarioCsv.IncidentsHeader, incidents[0]);
        Assert.Contains(incidents, l => l.Contains(",level_shift,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BenchScenarios_AllDetectors_PrintsOneColumnPerDetector()
    {
        var (exit, stdout, stderr) = await VigilProcess.RunAsync(null, "bench", "scenarios", "--reduced", "--series-per-kind", "1", "--detector", "all");

        Assert.True(exit == 0, stderr);
        foreach (var type in new[] { "auto", "ewma", "robust" })
        {
            Assert.Contains(type, stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--detector", "nope")]
    [InlineData("--detector", "all", "-p", "alpha=0.1")]
    [InlineData("--adapt-after", "soon")]
    [InlineData("--series-per-kind", "0")]
    public async Task BenchScenarios_BadArguments_ExitTwoWithAMessage(params string[] args)
    {
        var (exit, _, stderr) = await VigilProcess.RunAsync(null, ["bench", "scenarios", "--reduced", .. args]);

        Assert.Equal(2, exit);
        Assert.False(string.IsNullOrWhiteSpace(stderr));
    }
}
