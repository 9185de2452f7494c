using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Postgres.Api;
using Vigil.Postgres.Tests.Infrastructure;

namespace Vigil.Postgres.Tests.Api;

[Collection(PostgresFixture.Collection)]
public sealed class BusinessMetricsEndpointsTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 11, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PostEvents_Ndjson_StoresEveryEvent()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);

        using var response = await app.GetTestClient().PostAsync("/api/v1/events", Ndjson(
            """{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"}""",
            """{"event_type":"order","timestamp":"2026-01-10T11:00:02Z","payload":{"amount":5}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, body.RootElement.GetProperty("inserted").GetInt32());
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task PostEvents_OneInvalidEventInArray_400NamesIndexAndFieldAndStoresNothing()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);

        using var response = await app.GetTestClient().PostAsync("/api/v1/events", Json("""
            [{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"},
             {"event_type":"signup","timestamp":"2026-01-10T11:00:02Z"},
             {"event_type":"sign up!","timestamp":"2026-01-10T11:00:03Z"},
             {"event_type":"signup","timestamp":"2099-01-01T00:00:00Z"}]
            """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = body.RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(2, "event_type"), (3, "timestamp")], errors);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task PostEvents_ValidationFailure_ResponseMatchesGolden()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);

        using var response = await app.GetTestClient().PostAsync("/api/v1/events", Ndjson(
            """{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"}""",
            """{"event_type":"","timestamp":"2026-01-10T11:00:01","colour":"red"}""",
            """{"event_type":"order","timestamp":"2026-01-10T11:00:02Z","payload":[1]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertGolden("post-events-400.json", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PostEvents_Accepted_ResponseMatchesGolden()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);

        using var response = await app.GetTestClient().PostAsync("/api/v1/events", Json("""[{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z","idempotency_key":"a"},{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z","idempotency_key":"a"}]"""));

        AssertGolden("post-events-200.json", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PostEvents_RetriedWithIdempotencyKey_CountedOnce()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);
        var client = app.GetTestClient();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = Ndjson("""{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"}""") };
            request.Headers.Add("Idempotency-Key", "req-42");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task PostEvents_BodyOverLimit_413()
    {
        await using var db = await TestDb.CreateAsync(server, o => { Configure(o); o.Ingest.MaxBodyBytes = 1024; });
        await using var app = await StartAsync(db);
        var lines = Enumerable.Repeat("""{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"}""", 40).ToArray();

        using var response = await app.GetTestClient().PostAsync("/api/v1/events", Ndjson(lines));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong", HttpStatusCode.Unauthorized)]
    [InlineData("s3cret", HttpStatusCode.OK)]
    public async Task PostEvents_BearerTokenConfigured_RequiresIt(string? token, HttpStatusCode expected)
    {
        await using var db = await TestDb.CreateAsync(server, o => { Configure(o); o.Ingest.BearerToken = "s3cret"; });
        await using var app = await StartAsync(db);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = Ndjson("""{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"}""") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await app.GetTestClient().SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task GetMetric_AfterAggregationAndScoring_ReturnsPointsBandsAndAnomalies()
    {
        await using var db = await TestDb.CreateAsync(server, Configure, now: T0.AddMinutes(120));
        var events = Enumerable.Range(0, 120).SelectMany(m => Enumerable.Range(0, m == 110 ? 60 : 5 + (m % 2)).Select(i => TestDb.Event("signup", T0.AddMinutes(m).AddSeconds(i))));
        await db.Ingestor().IngestAsync([.. events]);
        await db.Aggregator().CatchUpAsync();
        await db.Scorer().CatchUpAsync();
        await using var app = await StartAsync(db);

        using var response = await app.GetTestClient().GetAsync("/api/v1/metrics/signup?from=2026-01-10T12:40:00Z&to=2026-01-10T13:00:00Z");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var points = body.RootElement.GetProperty("points");
        Assert.Equal(20, points.GetArrayLength());
        Assert.True(points[0].GetProperty("upper").GetDouble() > points[0].GetProperty("lower").GetDouble());
        var anomaly = Assert.Single(body.RootElement.GetProperty("anomalies").EnumerateArray());
        Assert.Equal(60, anomaly.GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task GetMetric_BadRange_400()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);

        using var response = await app.GetTestClient().GetAsync("/api/v1/metrics/signup?from=2026-01-10T13:00:00Z&to=2026-01-10T12:00:00Z");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>
    /// Wire formats are pinned by files under golden/ (the JSON exactly as the API writes it). After an intended
    /// change, run once with VIGIL_UPDATE_GOLDEN=1 to rewrite the files, and review the diff.
    /// </summary>
    private static void AssertGolden(string name, string actual, [System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        if (Environment.GetEnvironmentVariable("VIGIL_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(source)!, "..", "golden", name), actual + "\n");
            return;
        }

        Assert.Equal(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", name)).TrimEnd('\n'), actual);
    }

    private static void Configure(BusinessMetricsOptions options)
    {
        options.MigrateOnStartup = false;
        options.Aggregation.Enabled = false;
    }

    private static async Task<WebApplication> StartAsync(TestDb db)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(db.DataSource);
        builder.Services.AddSingleton<TimeProvider>(db.Time);
        builder.Services.AddBusinessMetrics(db.Options);
        var app = builder.Build();
        app.MapBusinessMetricsApi();
        await app.StartAsync();
        return app;
    }

    private static StringContent Ndjson(params string[] lines) => new(string.Join('\n', lines), Encoding.UTF8, "application/x-ndjson");

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
