using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
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
        await using var db = await TestDb.CreateAsync(server, o => Configure(o) with { Ingest = o.Ingest with { MaxBodyBytes = 1024 } });
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
        await using var db = await TestDb.CreateAsync(server, o => Configure(o) with { Ingest = o.Ingest with { BearerToken = "s3cret" } });
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

    [Fact]
    public async Task PostEvents_EmptyBody_400SaysTheBodyIsEmpty()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);

        using var response = await app.GetTestClient().PostAsync("/api/v1/events", new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("body is empty", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostEvents_EventKeyResentWithDifferentContent_422NamesKeyAndIndexAndStoresNothing()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);
        var client = app.GetTestClient();
        using var first = await client.PostAsync("/api/v1/events", Ndjson("""{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z","idempotency_key":"k-1"}"""));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var response = await client.PostAsync("/api/v1/events", Ndjson(
            """{"event_type":"signup","timestamp":"2026-01-10T11:00:05Z","idempotency_key":"k-2"}""",
            """{"event_type":"order","timestamp":"2026-01-10T11:00:01Z","idempotency_key":"k-1"}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("k-1", body.RootElement.GetProperty("idempotency_key").GetString());
        Assert.Equal(1, body.RootElement.GetProperty("index").GetInt32());
        Assert.Contains("'k-1'", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task PostEvents_EventKeyConflict_ResponseMatchesGolden()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);
        var client = app.GetTestClient();
        using var first = await client.PostAsync("/api/v1/events", Ndjson("""{"event_type":"order","timestamp":"2026-01-10T11:00:01Z","payload":{"amount":5},"idempotency_key":"o-1"}"""));

        using var response = await client.PostAsync("/api/v1/events", Ndjson("""{"event_type":"order","timestamp":"2026-01-10T11:00:01Z","payload":{"amount":6},"idempotency_key":"o-1"}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        AssertGolden("post-events-422.json", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PostEvents_EventKeyResentWithSameContent_200CountedAsDuplicate()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);
        var client = app.GetTestClient();
        using var first = await client.PostAsync("/api/v1/events", Ndjson("""{"event_type":"order","timestamp":"2026-01-10T11:00:01Z","payload":{"amount":5,"currency":"EUR"},"idempotency_key":"k-1"}"""));

        // Same event: the payload's key order and spacing differ, its content does not.
        using var again = await client.PostAsync("/api/v1/events", Ndjson("""{"idempotency_key":"k-1","payload":{ "currency":"EUR", "amount":5 },"timestamp":"2026-01-10T12:00:01+01:00","event_type":"order"}"""));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using var body = JsonDocument.Parse(await again.Content.ReadAsStringAsync());
        Assert.Equal(1, body.RootElement.GetProperty("duplicates").GetInt32());
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task PostEvents_IdempotencyKeyReplayedWithDifferentBody_422NamesTheKey()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);
        var client = app.GetTestClient();
        using var first = await client.SendAsync(KeyedRequest("req-7", """{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"}"""));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var response = await client.SendAsync(KeyedRequest("req-7", """{"event_type":"signup","timestamp":"2026-01-10T11:00:02Z"}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("req-7", body.RootElement.GetProperty("idempotency_key").GetString());
        Assert.Contains("Idempotency-Key 'req-7'", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task PostEvents_IdempotencyKeyReplayedWithSameEventsInAnotherFormat_Replayed()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);
        var client = app.GetTestClient();
        using var first = await client.SendAsync(KeyedRequest("req-8", """{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"}"""));

        using var replay = await client.SendAsync(KeyedRequest("req-8", """[ {"timestamp": "2026-01-10T11:00:01Z", "event_type": "signup"} ]"""));

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        using var body = JsonDocument.Parse(await replay.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("replayed").GetBoolean());
    }

    [Theory]
    [InlineData("""{"event_type":"signup","event_type":"order","timestamp":"2026-01-10T11:00:01Z"}""", "event_type")]
    [InlineData("""[{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"},{"event_type":"order","timestamp":"2026-01-10T11:00:01Z","payload":{"amount":1,"amount":2}}]""", "amount")]
    public async Task PostEvents_DuplicateJsonProperty_400NamesThePropertyAndStoresNothing(string body, string property)
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);

        using var response = await app.GetTestClient().PostAsync("/api/v1/events", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"duplicate property '{property}'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task PostEvents_MalformedJsonInSecondEvent_400NamesIndexOneAndTheByteWithoutDotNetInternals()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var app = await StartAsync(db);
        const string body = """[{"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"},{"event_type":"order" "timestamp":"2026-01-10T11:00:01Z"}]""";

        using var response = await app.GetTestClient().PostAsync("/api/v1/events", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        var error = Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(1, error.GetProperty("index").GetInt32());
        var at = body.IndexOf("\" \"timestamp", StringComparison.Ordinal) + 2;
        Assert.StartsWith($"invalid JSON at byte {at} of the body:", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", text, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetric_UnknownName_404WithJsonError()
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await db.Ingestor().IngestAsync([TestDb.Event("signup", T0)]);
        await using var app = await StartAsync(db);

        using var unknown = await app.GetTestClient().GetAsync("/api/v1/metrics/nope");
        using var known = await app.GetTestClient().GetAsync("/api/v1/metrics/signup");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var body = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync());
        Assert.Contains("'nope'", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/metrics/signup")]
    [InlineData("/api/v1/metrics")]
    public async Task GetMetrics_DatabaseDown_503WithRetryAfterAndCountsTheError(string path)
    {
        await using var db = await TestDb.CreateAsync(server, Configure);
        await using var down = NpgsqlDataSource.Create(FormattableString.Invariant($"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Database=x;Timeout=5"));
        await using var app = await StartAsync(db, down);

        using var response = await app.GetTestClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        Assert.Contains("database", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1L, app.Services.GetRequiredService<BusinessMetricsTelemetry>().DatabaseErrors("connection"));
    }

    [Fact]
    public async Task ListMetrics_AggregatedAndScored_ListsEveryMetricWithRangeCountAndLastScore()
    {
        await using var db = await TestDb.CreateAsync(server, o => Configure(o) with { Aggregation = Configure(o).Aggregation with { SumFields = new Dictionary<string, string> { ["order"] = "amount" } } }, now: T0.AddMinutes(120));
        var events = Enumerable.Range(0, 120).SelectMany(m => Enumerable.Range(0, 5 + (m % 2)).Select(i => TestDb.Event("signup", T0.AddMinutes(m).AddSeconds(i))))
            .Append(TestDb.Event("order", T0.AddMinutes(100), "{\"amount\":7}"));
        await db.Ingestor().IngestAsync([.. events]);
        await db.Aggregator().CatchUpAsync();
        await db.Scorer().CatchUpAsync();
        await db.Ingestor().IngestAsync([TestDb.Event("refund", T0.AddMinutes(119))]); // registered, not aggregated yet
        await using var app = await StartAsync(db);

        using var response = await app.GetTestClient().GetAsync("/api/v1/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var metrics = body.RootElement.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(["order", "order:sum:amount", "refund", "signup"], metrics.Keys.Order(StringComparer.Ordinal));
        var signup = metrics["signup"];
        Assert.Equal(T0, signup.GetProperty("first_minute").GetDateTimeOffset());
        Assert.Equal(T0.AddMinutes(119), signup.GetProperty("last_minute").GetDateTimeOffset());
        Assert.Equal(120, signup.GetProperty("minutes").GetInt32());
        Assert.Equal(
            await db.ScalarAsync<double>("SELECT anomaly_score FROM aggregated_metrics WHERE metric_name = 'signup' AND anomaly_score IS NOT NULL ORDER BY metric_timestamp DESC LIMIT 1"),
            signup.GetProperty("last_score").GetDouble());
        Assert.Equal(20, metrics["order"].GetProperty("minutes").GetInt32());
        Assert.Equal(0, metrics["refund"].GetProperty("minutes").GetInt32());
        Assert.Equal(JsonValueKind.Null, metrics["refund"].GetProperty("last_score").ValueKind);
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

    private static BusinessMetricsOptions Configure(BusinessMetricsOptions options)
        => options with { MigrateOnStartup = false, Aggregation = options.Aggregation with { Enabled = false } };

    private static async Task<WebApplication> StartAsync(TestDb db, NpgsqlDataSource? dataSource = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(dataSource ?? db.DataSource);
        builder.Services.AddSingleton<TimeProvider>(db.Time);
        builder.Services.AddBusinessMetrics(db.Options);
        var app = builder.Build();
        app.MapBusinessMetricsApi();
        await app.StartAsync();
        return app;
    }

    private static HttpRequestMessage KeyedRequest(string key, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    /// <summary>A loopback port nothing listens on: connections are refused at once, like a stopped PostgreSQL.</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static StringContent Ndjson(params string[] lines) => new(string.Join('\n', lines), Encoding.UTF8, "application/x-ndjson");

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
