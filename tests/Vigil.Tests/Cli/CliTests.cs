using System.Globalization;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Tests.Support;

namespace Vigil.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("--help")]
    [InlineData("run", "--help")]
    [InlineData("detect", "--help")]
    [InlineData("config", "check", "--help")]
    public async Task Help_EveryCommand_PrintsUsage(params string[] args)
    {
        var (exit, stdout, _) = await VigilProcess.RunAsync(null, args);

        Assert.Equal(0, exit);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_InvalidFile_ExitsTwoAndPrintsEveryErrorWithPath()
    {
        var path = _temp.File("bad.yaml");
        await File.WriteAllTextAsync(path, "jobs:\n  - name: a\n    query: up\n  - name: b\n  - query: up\n    interval: soon\n");

        var (exit, _, stderr) = await VigilProcess.RunAsync(new Dictionary<string, string> { ["PROMETHEUS_URL"] = "http://127.0.0.1:9" }, "config", "check", path);

        Assert.Equal(2, exit);
        Assert.Contains("jobs[1].query: required", stderr, StringComparison.Ordinal);
        Assert.Contains("jobs[2].name: required", stderr, StringComparison.Ordinal);
        Assert.Contains("jobs[2].interval:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_ValidFile_ExitsZeroAndListsJobs()
    {
        var path = _temp.File("ok.yaml");
        await File.WriteAllTextAsync(path, "sources:\n  prometheus: { url: 'http://127.0.0.1:9090' }\njobs:\n  - name: cpu\n    query: up\n    interval: 30s\n");

        var (exit, stdout, _) = await VigilProcess.RunAsync(null, "config", "check", path);

        Assert.Equal(0, exit);
        Assert.Contains("cpu: prometheus 'up' every 30s", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidConfig_FailsAtStartUpWithExitCodeTwo()
    {
        var (exit, _, stderr) = await VigilProcess.RunAsync(new Dictionary<string, string> { ["LISTEN_PORT"] = "-1" }, "run");

        Assert.Equal(2, exit);
        Assert.Contains("LISTEN_PORT:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_CsvWithSpike_ListsTheAnomalyAndWritesScores()
    {
        var csv = _temp.File("series.csv");
        var lines = new List<string> { "timestamp,value" };
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 200; i++)
        {
            var value = i == 150 ? 400 : 100 + (5 * Math.Sin(i * 0.5));
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{start.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{value}"));
        }

        await File.WriteAllLinesAsync(csv, lines);
        var output = _temp.File("scores.csv");

        var (exit, stdout, stderr) = await VigilProcess.RunAsync(null, "detect", csv, "--detector", "rolling_sigma", "--param", "window=60", "--out", output);

        Assert.True(exit == 0, stderr);
        Assert.Contains("2026-01-01 02:30:00", stdout, StringComparison.Ordinal);
        Assert.Contains("1 anomalous", stdout, StringComparison.Ordinal);
        var scores = await File.ReadAllLinesAsync(output);
        Assert.Equal(201, scores.Length);
        Assert.Equal("timestamp,value,anomaly_score,expected,lower,upper,status,test", scores[0]);
        Assert.Contains(",anomaly,", scores[151], StringComparison.Ordinal);
        Assert.EndsWith(",warmup,", scores[1], StringComparison.Ordinal);
        Assert.EndsWith(",ok,", scores[150], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_UnknownDetector_ExitsTwo()
    {
        var csv = _temp.File("s.csv");
        await File.WriteAllTextAsync(csv, "1,2\n");

        var (exit, _, stderr) = await VigilProcess.RunAsync(null, "detect", csv, "--detector", "nope");

        Assert.Equal(2, exit);
        Assert.Contains("unknown detector", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_NoReadableRow_FailsWithLineNumber()
    {
        var csv = _temp.File("bad.csv");
        await File.WriteAllTextAsync(csv, "timestamp,value\nyesterday,2\n");

        var (exit, _, stderr) = await VigilProcess.RunAsync(null, "detect", csv);

        Assert.Equal(1, exit);
        Assert.Contains("line 2", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_OutOfOrderDuplicateAndBadRows_AreSkippedCountedAndMarkedInFileOrder()
    {
        // A row going back 55 minutes (as in NAB's machine_temperature_system_failure.csv), a duplicate, a bad value.
        var csv = _temp.File("machine_temperature.csv");
        var lines = new List<string> { "timestamp,value" };
        var start = new DateTimeOffset(2013, 12, 2, 21, 15, 0, TimeSpan.Zero);
        for (var i = 0; i < 120; i++)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{start.AddMinutes(5 * i):yyyy-MM-dd HH:mm:ss},{70 + (i % 5)}"));
        }

        lines.Insert(61, string.Create(CultureInfo.InvariantCulture, $"{start.AddMinutes((5 * 59) - 55):yyyy-MM-dd HH:mm:ss},71"));
        lines.Insert(81, lines[80]);
        lines.Insert(101, "2013-12-03 05:00:00,n/a");
        await File.WriteAllLinesAsync(csv, lines);
        var output = _temp.File("scores.csv");

        var (exit, stdout, stderr) = await VigilProcess.RunAsync(null, "detect", csv, "--detector", "robust", "--out", output);

        Assert.True(exit == 0, stderr);
        var text = System.Text.RegularExpressions.Regex.Replace(stdout, @"\s+", " "); // the console wraps long lines
        Assert.Contains("out_of_order 1, duplicate 1, unparseable 1", text, StringComparison.Ordinal);
        Assert.Contains("line 62: 55 min before", text, StringComparison.Ordinal);
        Assert.Contains("line 102: 'n/a' is not a number", text, StringComparison.Ordinal);
        var scores = await File.ReadAllLinesAsync(output);
        Assert.Equal(lines.Count, scores.Length);
        Assert.EndsWith(",out_of_order,", scores[61], StringComparison.Ordinal);
        Assert.EndsWith(",duplicate,", scores[81], StringComparison.Ordinal);
        Assert.EndsWith(",unparseable,", scores[101], StringComparison.Ordinal);
        Assert.Equal(3, scores.Count(l => l.Contains(",,,,,", StringComparison.Ordinal)));
    }
}
