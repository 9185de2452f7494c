using System.Globalization;
using System.Text;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Tests.Support;

namespace Vigil.Tests.Cli;

public sealed class BacktestAndBenchCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Two days of 5-minute noise around 100 with a spike to 400 at row <paramref name="spike"/>.</summary>
    private static string Csv(int rows, int spike)
    {
        var random = new Random(7);
        var sb = new StringBuilder("timestamp,value\n");
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            var value = i == spike ? 400 : 100 + random.NextDouble();
            sb.Append(start.AddMinutes(5 * i).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(',')
              .Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return sb.ToString();
    }

    [Theory]
    [InlineData("backtest", "--help")]
    [InlineData("bench", "nab", "--help")]
    public async Task Help_PrintsUsage(params string[] args)
    {
        var (exit, stdout, _) = await VigilProcess.RunAsync(null, args);

        Assert.Equal(0, exit);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_CsvWithLabels_ListsTheAnomalyAndScoresTheWindow()
    {
        var csv = _temp.File("cpu.csv");
        await File.WriteAllTextAsync(csv, Csv(576, 500));
        var labels = _temp.File("labels.json");
        await File.WriteAllTextAsync(labels, """[["2024-01-02 17:00:00", "2024-01-02 18:00:00"]]""");

        var (exit, stdout, stderr) = await VigilProcess.RunAsync(null, "backtest", "--csv", csv, "--labels", labels);

        Assert.True(exit == 0, stderr);
        Assert.Contains("2024-01-02 17:40:00", stdout, StringComparison.Ordinal);
        Assert.Contains("labels: 1/1 windows detected", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_ReplayJob_ReportsEverySeries()
    {
        var config = _temp.File("vigil.yaml");
        await File.WriteAllTextAsync(config, "jobs:\n  - name: demo\n    query: replay_queue_depth\n    source: replay\n    interval: 1m\n    detector: { type: ewma }\n");

        var (exit, stdout, stderr) = await VigilProcess.RunAsync(null, "backtest", "--config", config, "--job", "demo", "--from", "2026-01-05T00:00:00Z", "--to", "2026-01-05T12:00:00Z", "--chunk", "02:00:00");

        Assert.True(exit == 0, stderr);
        Assert.Contains("3 series", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("backtest")]
    [InlineData("backtest", "--csv", "missing.csv", "--detector", "nope")]
    [InlineData("bench", "nab", "--data", ".", "--out", ".", "-p", "k")]
    public async Task UsageErrors_ExitTwo(params string[] args)
    {
        var (exit, _, _) = await VigilProcess.RunAsync(null, args);

        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task BenchNab_NabLayout_WritesOneScoreFilePerDataFile()
    {
        Directory.CreateDirectory(_temp.File("data/data/cat"));
        await File.WriteAllTextAsync(_temp.File("data/data/cat/a.csv"), Csv(400, 350));

        var (exit, stdout, stderr) = await VigilProcess.RunAsync(null, "bench", "nab", "--data", _temp.File("data"), "--out", _temp.File("out"), "--detector", "robust");

        Assert.True(exit == 0, stderr);
        Assert.Contains("1 files, 400 points", stdout, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(_temp.File("out/cat/a.csv"));
        Assert.Equal(401, lines.Length);
        Assert.Equal("timestamp,anomaly_score", lines[0]);
    }

    [Fact]
    public async Task BenchNab_RowGoingBack_IsSkippedAndStillGetsAResultRow()
    {
        // NAB's scorer wants one result per data row; the run must not abort on the row that goes back 55 minutes.
        var rows = Csv(400, 350).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        rows.Insert(201, "2024-01-01 15:40:00,100.5");
        Directory.CreateDirectory(_temp.File("data/data/cat"));
        await File.WriteAllLinesAsync(_temp.File("data/data/cat/a.csv"), rows);

        var (exit, stdout, stderr) = await VigilProcess.RunAsync(null, "bench", "nab", "--data", _temp.File("data"), "--out", _temp.File("out"), "--detector", "robust");

        Assert.True(exit == 0, stderr);
        Assert.Contains("1 files, 400 points", stdout, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(_temp.File("out/cat/a.csv"));
        Assert.Equal(402, lines.Length);
        Assert.Equal("2024-01-01 15:40:00,0", lines[201]);
    }

    [Fact]
    public async Task Backtest_CsvWithOutOfOrderRow_ReportsTheSkippedRow()
    {
        var rows = Csv(300, 250).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        rows.Insert(101, "2024-01-01 07:00:00,100.5");
        var csv = _temp.File("cpu.csv");
        await File.WriteAllLinesAsync(csv, rows);

        var (exit, stdout, stderr) = await VigilProcess.RunAsync(null, "backtest", "--csv", csv, "--detector", "robust");

        Assert.True(exit == 0, stderr);
        var text = System.Text.RegularExpressions.Regex.Replace(stdout, @"\s+", " "); // the console wraps long lines
        Assert.Contains("300 points", text, StringComparison.Ordinal);
        Assert.Contains("1 row skipped: out_of_order 1 (line 102", text, StringComparison.Ordinal);
    }
}
