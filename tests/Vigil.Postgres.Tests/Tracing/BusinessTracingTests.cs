using System.Diagnostics;
using Vigil.Postgres.Aggregation;
using Vigil.Postgres.Ingest;
using Vigil.Postgres.Tests.Infrastructure;
using Vigil.Postgres.Tracing;
using Vigil.Testing.Tracing;

namespace Vigil.Postgres.Tests.Tracing;

/// <summary>The business pipeline's spans against the real PostgreSQL, the SQL under them traced by Npgsql.OpenTelemetry.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class BusinessTracingTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task IngestThenCycle_RealPostgres_IngestAggregateAndScoreSpansWithSqlChildren()
    {
        await using var db = await TestDb.CreateAsync(server, now: T0.AddMinutes(30));
        using var recorder = new SpanRecorder(BusinessTracing.SourceName, "Npgsql");
        var events = Enumerable.Range(0, 30).SelectMany(m => Enumerable.Range(0, 5).Select(i => TestDb.Event("trace_signup", T0.AddMinutes(m).AddSeconds(i)))).ToList();

        await db.Ingestor().IngestAsync(events);
        var cycle = new AggregationCycle(db.Lease(), db.Aggregator(), db.Scorer());
        var result = await cycle.RunAsync();

        Assert.True(result.IsLeader);
        var database = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString).Database!;
        var ingest = Ours(recorder, BusinessTracing.Ingest, database);
        Assert.Equal(150, ingest.GetTagItem("vigil.business.events"));
        Assert.Equal(150, ingest.GetTagItem("vigil.business.inserted"));
        Assert.Equal("live", ingest.GetTagItem("vigil.business.mode"));
        AssertSqlUnder(recorder, ingest, database);

        var root = Ours(recorder, BusinessTracing.Cycle, database);
        Assert.Equal(true, root.GetTagItem("vigil.business.leader"));
        var trace = recorder.TraceOf(root);
        var children = SpanRecorder.ChildrenOf(trace, root);
        var aggregate = children.Where(c => c.OperationName == BusinessTracing.Aggregate).ToList();
        var score = children.Where(c => c.OperationName == BusinessTracing.Score).ToList();
        Assert.Equal(result.AggregationRuns, aggregate.Count);
        Assert.Equal(result.DetectionRuns, score.Count);
        Assert.Equal(30, aggregate.Sum(a => (int)a.GetTagItem("vigil.business.minutes")!));
        Assert.Equal(150L, aggregate.Sum(a => (long)a.GetTagItem("vigil.business.events_aggregated")!));
        Assert.Equal(30, score.Sum(s => (int)s.GetTagItem("vigil.points")!));
        Assert.All(aggregate.Concat(score), s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
        AssertSqlUnder(recorder, aggregate[0], database);
        AssertSqlUnder(recorder, score[0], database);
    }

    /// <summary>The one span named <paramref name="name"/> whose trace ran SQL on this test's database (others run beside it).</summary>
    private static Activity Ours(SpanRecorder recorder, string name, string database)
        => Assert.Single(recorder.Spans, s => s.OperationName == name && recorder.TraceOf(s).Any(sql => DatabaseOf(sql) == database));

    private static void AssertSqlUnder(SpanRecorder recorder, Activity parent, string database)
    {
        var sql = SpanRecorder.ChildrenOf(recorder.TraceOf(parent), parent).Where(s => s.Kind == ActivityKind.Client).ToList();
        Assert.NotEmpty(sql);
        Assert.All(sql, s => Assert.Equal(database, DatabaseOf(s)));
    }

    // Npgsql names the database db.namespace (stable database conventions) or db.name (older ones), by version.
    private static string? DatabaseOf(Activity span) => (span.GetTagItem("db.namespace") ?? span.GetTagItem("db.name")) as string;
}
