using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Vigil.Configuration;
using Vigil.Hosting;
using Vigil.Postgres;
using Vigil.Tests.Support;

namespace Vigil.Tests.Business;

/// <summary>`vigil run` with a business section against a real PostgreSQL: events in, scores out on /metrics.</summary>
public sealed class BusinessMetricsHostTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _connectionString = _postgres.ConnectionString(await _postgres.CreateDatabaseAsync());
    }

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [Fact]
    public async Task Events_PostedToTheService_AreAggregatedScoredAndExposed()
    {
        var options = new VigilOptions
        {
            Server = new ServerOptions { ListenAddress = "127.0.0.1", Port = 0, ShutdownGrace = TimeSpan.FromSeconds(2) },
            Logging = new LoggingOptions { Level = "Warning" },
            Jobs = [],
            Business = new BusinessOptions
            {
                ConnectionString = _connectionString,
                Pipeline = new BusinessMetricsOptions { Aggregation = new AggregationOptions { Interval = TimeSpan.FromSeconds(1), SettleDelay = TimeSpan.Zero } },
            },
        };
        await using var host = VigilHost.Build(options);
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };

        // 150 minutes of sign-ups, 4–6 a minute, ending in the last complete minute.
        var lastMinute = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        lastMinute = new DateTimeOffset(lastMinute.Year, lastMinute.Month, lastMinute.Day, lastMinute.Hour, lastMinute.Minute, 0, TimeSpan.Zero);
        var body = new StringBuilder();
        for (var m = 150; m >= 0; m--)
        {
            for (var e = 0; e < 4 + (m % 3); e++)
            {
                var at = lastMinute.AddMinutes(-m).AddSeconds(e * 7);
                body.Append(CultureInfo.InvariantCulture, $$$"""{"event_type":"signup","event_timestamp":"{{{at:O}}}","payload":{"plan":"free"}}""").Append('\n');
            }
        }

        using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson");
        var posted = await http.PostAsync("/api/v1/events", content);
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());

        var text = string.Empty;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            text = await http.GetStringAsync("/metrics");
            if (text.Contains("vigil_anomaly_score{job=\"business_metrics\",metric=\"signup\"}", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.Contains("vigil_anomaly_score{job=\"business_metrics\",metric=\"signup\"}", text, StringComparison.Ordinal);
        Assert.Contains("vigil_business_metric_value{metric=\"signup\"}", text, StringComparison.Ordinal);
        var (exit, promtool) = await ServerProcess.RunAsync("/usr/bin/promtool", text, "check", "metrics");
        Assert.True(exit == 0, promtool);

        var from = Uri.EscapeDataString(lastMinute.AddMinutes(-150).ToString("O", CultureInfo.InvariantCulture));
        var to = Uri.EscapeDataString(lastMinute.ToString("O", CultureInfo.InvariantCulture));
        using var chart = await http.GetFromJsonAsync<JsonDocument>($"/api/v1/metrics/signup?from={from}&to={to}");
        Assert.NotNull(chart);
        Assert.InRange(CountPoints(chart.RootElement), 150, 151);

        // The same minutes as a PNG chart (Vigil.Charts), and a clear 404 for a metric that does not exist.
        using var png = await http.GetAsync($"/api/v1/metrics/signup/chart?from={from}&to={to}&width=800&height=400");
        Assert.Equal(System.Net.HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
        using (var bitmap = SkiaSharp.SKBitmap.Decode(await png.Content.ReadAsByteArrayAsync()))
        {
            Assert.Equal(800, bitmap.Width);
            Assert.Equal(400, bitmap.Height);
        }

        using var missing = await http.GetAsync("/api/v1/metrics/no_such_metric/chart");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no business metric 'no_such_metric'", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task DbMigrate_Cli_AppliesThenReportsUpToDate()
    {
        var env = new Dictionary<string, string> { ["VIGIL_DATABASE"] = _connectionString };

        var first = await VigilProcess.RunAsync(env, "db", "migrate");
        var second = await VigilProcess.RunAsync(env, "db", "migrate");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("Applied migration(s): 1", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("Schema is up to date.", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsImport_Cli_ImportsOnceEvenWhenRepeated()
    {
        using var temp = new TempDirectory();
        var file = temp.File("events.ndjson");
        var at = TimeProvider.System.GetUtcNow().AddHours(-1);
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, 50).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $$$"""{"event_type":"order","event_timestamp":"{{{at.AddSeconds(i):O}}}","payload":{"amount":{{{i}}}}}""")));
        var env = new Dictionary<string, string> { ["VIGIL_DATABASE"] = _connectionString };

        var first = await VigilProcess.RunAsync(env, "events", "import", file);
        var again = await VigilProcess.RunAsync(env, "events", "import", file);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("50 inserted", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 inserted, 50 duplicates", again.Stdout, StringComparison.Ordinal);
    }

    private static int CountPoints(JsonElement root)
        => root.EnumerateObject().FirstOrDefault(p => p.Name.Equals("points", StringComparison.OrdinalIgnoreCase)).Value is { ValueKind: JsonValueKind.Array } points
            ? points.GetArrayLength()
            : -1;
}
