using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Vigil.Configuration;
using Vigil.Hosting;
using Vigil.Pipeline.Replay;
using Vigil.Postgres;
using Vigil.Tests.Support;

namespace Vigil.Tests.Business;

/// <summary>
/// Issue #11.6: PostgreSQL down when `vigil run` starts. The process starts, the replay jobs run and stay ready, the
/// business part of /readyz says the database is unreachable and `database` errors are counted; once the real server
/// starts, the business pipeline comes up by itself (schema migrated, events accepted).
/// </summary>
public sealed class DatabaseUnavailableTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _connectionString = _postgres.ConnectionString(await _postgres.CreateDatabaseAsync()) + ";Timeout=3";
        await _postgres.StopAsync(); // the database exists, but nothing listens on its port when Vigil starts
    }

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [Fact]
    public async Task Run_DatabaseDownAtStart_JobsRunBusinessNotReadyUntilTheDatabaseStarts()
    {
        var options = new VigilOptions
        {
            Server = new ServerOptions { ListenAddress = "127.0.0.1", Port = 0, ShutdownGrace = TimeSpan.FromSeconds(2) },
            Logging = new LoggingOptions { Level = "Warning" },
            Jobs = [.. ReplayDefaults.Jobs(TimeSpan.FromSeconds(60))],
            Replay = new ReplayOptions { Speed = 600 },
            Business = new BusinessOptions
            {
                ConnectionString = _connectionString,
                Pipeline = new BusinessMetricsOptions { Aggregation = new AggregationOptions { Interval = TimeSpan.FromSeconds(1), SettleDelay = TimeSpan.Zero } },
            },
        };
        await using var host = VigilHost.Build(options);
        await host.StartAsync(); // threw NpgsqlException (exit 1) before: the whole process ended
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };

        var (downStatus, down) = await WaitForReadyzAsync(http, r => Business(r).GetProperty("state").GetString() == "database_unreachable" && Jobs(r).All(j => j.GetProperty("cycles").GetInt64() > 0));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, downStatus);
        Assert.Equal("not_ready", down.GetProperty("status").GetString());
        Assert.False(Business(down).GetProperty("ready").GetBoolean());
        Assert.Contains("connecting to the database", Business(down).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(Jobs(down));
        Assert.All(Jobs(down), job => Assert.True(job.GetProperty("ready").GetBoolean(), job.ToString())); // the replay jobs are unaffected
        Assert.All(Jobs(down), job => Assert.InRange(job.GetProperty("warming_series").GetInt32(), 0, job.GetProperty("series").GetInt32()));
        var metrics = await http.GetStringAsync("/metrics");
        Assert.True(MetricValue(metrics, "vigil_errors_total{error_type=\"database\"}") >= 1, metrics);

        await _postgres.StartAsync();

        var (upStatus, up) = await WaitForReadyzAsync(http, r => Business(r).GetProperty("ready").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, upStatus);
        Assert.Equal("ok", Business(up).GetProperty("state").GetString());
        using var content = new StringContent("{\"event_type\":\"signup\",\"event_timestamp\":\"" + TimeProvider.System.GetUtcNow().AddMinutes(-2).ToString("O", System.Globalization.CultureInfo.InvariantCulture) + "\"}\n", System.Text.Encoding.UTF8, "application/x-ndjson");
        using var posted = await http.PostAsync("/api/v1/events", content);
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync()); // migrated by itself
        await host.StopAsync();
    }

    private static JsonElement Business(JsonElement readyz) => readyz.GetProperty("business");

    private static JsonElement[] Jobs(JsonElement readyz) => [.. readyz.GetProperty("jobs").EnumerateArray()];

    private static double MetricValue(string text, string series)
        => text.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal)).Select(l => double.Parse(l[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault(-1);

    /// <summary>Polls /readyz (bounded: 90 s) until <paramref name="condition"/> holds; the last answer either way.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body)> WaitForReadyzAsync(HttpClient http, Func<JsonElement, bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.GetAsync("/readyz");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (condition(body) || deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                Assert.True(condition(body), "condition not met within 90 s; last /readyz: " + body);
                return (response.StatusCode, body);
            }

            await Task.Delay(200);
        }
    }
}
