using System.Buffers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vigil.Core.Detection;
using Vigil.Exposition;
using Vigil.Pipeline.Verdicts;
using Vigil.Postgres.Tests.Infrastructure;

namespace Vigil.Postgres.Tests;

[Collection(PostgresFixture.Collection)]
public sealed class BusinessMetricsTelemetryTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Registry_AfterAggregationAndScoring_ExposesSelfHealthAndLatestValues()
    {
        var sunk = new List<(string Metric, Verdict Verdict, DateTimeOffset Minute)>();
        await using var db = await TestDb.CreateAsync(server, now: T0.AddMinutes(3).AddSeconds(30), verdicts: new CapturingSink(sunk));
        await db.Ingestor().IngestAsync([TestDb.Event("signup", T0), TestDb.Event("signup", T0.AddMinutes(2)), TestDb.Event("signup", T0.AddMinutes(2))]);
        await db.Aggregator().CatchUpAsync();
        await db.Scorer().CatchUpAsync();

        var text = Render(db.Telemetry.Registry);

        Assert.Contains("vigil_business_events_ingested_total 3\n", text, StringComparison.Ordinal);
        Assert.Contains("vigil_business_events_aggregated_total 3\n", text, StringComparison.Ordinal);
        Assert.Contains("vigil_business_watermark_lag_seconds 30\n", text, StringComparison.Ordinal);
        Assert.Contains("vigil_business_aggregation_duration_seconds_count ", text, StringComparison.Ordinal);
        Assert.Contains("vigil_business_leader 0\n", text, StringComparison.Ordinal);
        Assert.Contains("vigil_business_metric_value{metric=\"signup\"} 2\n", text, StringComparison.Ordinal);
        Assert.Equal(("signup", T0.AddMinutes(2), VerdictKind.Warmup), (sunk[^1].Metric, sunk[^1].Minute, sunk[^1].Verdict.Kind));
    }

    [Fact]
    public async Task Registry_Rendered_PassesPromtoolCheckMetrics()
    {
        var telemetry = new BusinessMetricsTelemetry();
        telemetry.EventsIngested(5);
        telemetry.AggregationDuration(TimeSpan.FromMilliseconds(3));
        telemetry.DatabaseError(new TimeoutException(), "aggregate");
        telemetry.MetricScored("order:sum:amount", new MetricReading(TestDb.DefaultNow, 12.5, Verdict.Warmup()));
        var promtool = File.Exists("/usr/bin/promtool") ? "/usr/bin/promtool" : "promtool";

        var start = new System.Diagnostics.ProcessStartInfo(promtool, "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!; // a missing promtool fails the test: it is a CI dependency
        await process.StandardInput.WriteAsync(Render(telemetry.Registry));
        process.StandardInput.Close();
        var problems = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, problems);
    }

    [Fact]
    public void DatabaseError_ConnectionFailure_CountedByType()
    {
        var telemetry = new BusinessMetricsTelemetry();

        telemetry.DatabaseError(new NpgsqlException("boom", new IOException()), "aggregate");
        telemetry.DatabaseError(new TimeoutException(), "aggregate");

        Assert.Equal((1L, 1L), (telemetry.DatabaseErrors("connection"), telemetry.DatabaseErrors("timeout")));
        Assert.Contains("vigil_business_db_errors_total{error_type=\"connection\"} 1\n", Render(telemetry.Registry), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddBusinessMetrics_HostRegistry_TelemetryRegistersItsFamiliesThere()
    {
        await using var dataSource = NpgsqlDataSource.Create(server.AdminConnectionString);
        var services = new ServiceCollection();
        var registry = new MetricRegistry();
        services.AddSingleton(registry);
        services.AddSingleton(dataSource);
        services.AddLogging();
        services.AddBusinessMetrics(new BusinessMetricsOptions());
        await using var provider = services.BuildServiceProvider();

        var telemetry = provider.GetRequiredService<BusinessMetricsTelemetry>();

        Assert.Same(registry, telemetry.Registry);
        Assert.Contains("# TYPE vigil_business_leader gauge", Render(registry), StringComparison.Ordinal);
    }

    /// <summary>What reaches the verdict seam, as (metric, verdict, minute).</summary>
    private sealed class CapturingSink(List<(string Metric, Verdict Verdict, DateTimeOffset Minute)> sunk) : IVerdictSink
    {
        public void Publish(VerdictBatch batch)
        {
            foreach (var point in batch.Points)
            {
                sunk.Add((point.Series.Labels.Get("metric")!, point.Verdict, DateTimeOffset.FromUnixTimeMilliseconds(point.TimestampMs)));
            }
        }
    }

    private static string Render(MetricRegistry registry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        registry.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
