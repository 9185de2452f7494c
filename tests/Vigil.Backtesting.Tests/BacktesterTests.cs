using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Core.Sources;

namespace Vigil.Backtesting.Tests;

public sealed class BacktesterTests
{
    private const long Step = 60_000;
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Backtester CreateSut() => new(DetectorRegistry.CreateDefault().Create(new DetectorSpec("ewma", new Dictionary<string, string> { ["alpha"] = "0.05", ["k"] = "4" })));

    private static TimeSeriesData Series(int n, params int[] spikes)
    {
        var random = new Random(1);
        var values = Enumerable.Range(0, n).Select(_ => 100 + random.NextDouble()).ToArray();
        foreach (var s in spikes)
        {
            values[s] = 200;
        }

        return new TimeSeriesData("cpu", [.. Enumerable.Range(0, n).Select(i => Start.ToUnixTimeMilliseconds() + (i * Step))], values);
    }

    [Fact]
    public void Run_Csv_ListsAnomaliesAndAlertsPerDay()
    {
        var result = CreateSut().Run(Series(1441, 500, 1000));

        Assert.Equal([Start.AddMinutes(500), Start.AddMinutes(1000)], result.Anomalies.Select(a => a.Time));
        Assert.Equal(2.0, result.AlertsPerDay, 6);
        Assert.Equal(200, result.Anomalies[0].Value);
        Assert.InRange(result.Anomalies[0].Expected, 99, 102);
        Assert.Null(result.Metrics);
    }

    [Fact]
    public void Run_WithLabels_ComputesPrecisionRecallAndNab()
    {
        // One window around the first spike, one window with nothing in it.
        var labels = IncidentWindows.Parse(
            """[["2024-01-01T08:10:00Z", "2024-01-01T08:30:00Z"], ["2024-01-01T20:00:00Z", "2024-01-01T20:30:00Z"]]""", "test");

        var metrics = CreateSut().Run(Series(1441, 500, 1000), labels).Metrics!;

        Assert.Equal(2, metrics.Windows);
        Assert.Equal(1, metrics.WindowsDetected);
        Assert.Equal(0.5, metrics.Precision, 6); // the spike at 1000 (16:40) is outside both windows
        Assert.Equal(0.5, metrics.Recall, 6);
        Assert.Equal(0.5, metrics.F1, 6);
        Assert.InRange(metrics.NabStandard, 0, 60);
    }

    [Fact]
    public async Task RunAsync_FeatureRows_ScoresEachRowOnceAndListsItsFeatures()
    {
        // Two features per row, read in uneven chunks: the detector sees each row's own features (ewma reads the first),
        // and an anomaly lists the whole row.
        var data = Series(1441, 500);
        var fetched = 0;
        Task<SeriesBatch> Fetch(DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken _)
        {
            var builder = new SeriesBatch.Builder(featureCount: 2);
            builder.BeginSeries(Labels.From([new Label("node", "a")]));
            for (var i = 0; i < data.Count; i++)
            {
                var t = data.TimestampsMs[i];
                if (t >= from.ToUnixTimeMilliseconds() && t <= to.ToUnixTimeMilliseconds())
                {
                    builder.Add(t, [data.Values[i], 7]);
                    fetched++;
                }
            }

            return Task.FromResult(builder.Build());
        }

        var result = Assert.Single(await CreateSut().RunAsync(Fetch, Start, Start.AddMinutes(1440), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(37)));

        Assert.Equal(1441, fetched);
        Assert.Equal(1441, result.Points);
        var anomaly = Assert.Single(result.Anomalies);
        Assert.Equal(Start.AddMinutes(500), anomaly.Time);
        Assert.Equal([200.0, 7.0], anomaly.Features);
        Assert.Equal(200, anomaly.Value);
    }

    [Fact]
    public async Task RunAsync_ChunkedSource_MatchesOneShotCsvReplay()
    {
        var data = Series(1441, 500, 1000);
        var source = new FakeSource(data);

        var chunked = await CreateSut().RunAsync(source, "cpu", Start, Start.AddMinutes(1440), TimeSpan.FromMinutes(1), TimeSpan.FromHours(3));
        var csv = CreateSut().Run(data);

        var only = Assert.Single(chunked);
        Assert.Equal(csv.Points, only.Points);
        Assert.Equal(csv.Anomalies.Select(a => (a.Time, a.Score)), only.Anomalies.Select(a => (a.Time, a.Score)));
        Assert.Equal(9, source.Calls); // 24 h in 3 h chunks of [start, start + 3 h − step], plus the final point at `to`
    }

    [Fact]
    public async Task RunAsync_ReportsProgressUpToOne()
    {
        var progress = new List<double>();
        await CreateSut().RunAsync(new FakeSource(Series(600)), "cpu", Start, Start.AddMinutes(599), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), progress: new Progress(progress));

        Assert.Equal(1.0, progress[^1], 6);
        Assert.True(progress.SequenceEqual(progress.Order()));
    }

    [Fact]
    public void IncidentWindows_PerSeriesObject_MatchesByNameAndStar()
    {
        var windows = IncidentWindows.Parse("""{"realTraffic/cpu.csv": [["2024-01-01 00:00:00", "2024-01-01 01:00:00"]], "*": [[1704100000, 1704103600]]}""", "test");

        Assert.Equal(2, windows.For("cpu").Count);
        Assert.Single(windows.For("{job=\"other\"}"));
    }

    [Fact]
    public void IncidentWindows_BadWindow_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => IncidentWindows.Parse("""[["2024-01-02", "2024-01-01"]]""", "test"));
        Assert.Throws<FormatException>(() => IncidentWindows.Parse("""[["yesterday", "2024-01-01"]]""", "test"));
    }

    private sealed class Progress(List<double> values) : IProgress<double>
    {
        public void Report(double value) => values.Add(value);
    }

    /// <summary>Serves one series from memory, both ends of the range inclusive, as Prometheus does.</summary>
    private sealed class FakeSource(TimeSeriesData data) : IMetricSource
    {
        public int Calls { get; private set; }

        public Task<SeriesBatch> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
        {
            Calls++;
            var builder = new SeriesBatch.Builder();
            builder.BeginSeries(Labels.From(new Label("__name__", query)));
            for (var i = 0; i < data.Count; i++)
            {
                var t = data.TimestampsMs[i];
                if (t >= start.ToUnixTimeMilliseconds() && t <= end.ToUnixTimeMilliseconds())
                {
                    builder.Add(t, data.Values[i]);
                }
            }

            return Task.FromResult(builder.Build());
        }
    }
}
