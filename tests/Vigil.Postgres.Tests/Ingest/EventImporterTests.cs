using Vigil.Postgres.Ingest;
using Vigil.Postgres.Tests.Infrastructure;

namespace Vigil.Postgres.Tests.Ingest;

[Collection(PostgresFixture.Collection)]
public sealed class EventImporterTests(PostgresServer server) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-import-").FullName;

    [Fact]
    public async Task ImportAsync_SameNdjsonFileTwice_ImportsOnceWithProgress()
    {
        await using var db = await TestDb.CreateAsync(server);
        var path = Write("events.ndjson", """
            {"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"}

            {"event_type":"order","timestamp":"2026-01-10T11:00:02Z","payload":{"amount":5}}
            {"event_type":"order","timestamp":"2026-01-10T11:00:03Z","idempotency_key":"own"}
            """);
        var importer = new EventImporter(db.Ingestor(), db.Validation());
        var progress = new List<ImportProgress>();

        var first = await importer.ImportAsync(path, new SyncProgress(progress.Add), batchSize: 2);
        var second = await importer.ImportAsync(path, batchSize: 2);

        Assert.Equal((3L, 3L, 2), (first.Events, first.Inserted, first.Batches));
        Assert.Equal((3L, 0L, 3L), (second.Events, second.Inserted, second.Duplicates));
        Assert.Equal(3L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
        Assert.Equal(3L, progress[^1].Imported);
    }

    [Fact]
    public async Task ImportAsync_InvalidLines_ImportsNothingAndNamesLines()
    {
        await using var db = await TestDb.CreateAsync(server);
        var path = Write("bad.ndjson", """
            {"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"}
            {"event_type":"bad type","timestamp":"2026-01-10T11:00:02Z"}
            not json
            """);

        var ex = await Assert.ThrowsAsync<ImportValidationException>(() => new EventImporter(db.Ingestor(), db.Validation()).ImportAsync(path));

        Assert.Equal([(2L, "event_type"), (3L, "$")], ex.Errors.Select(e => (e.Index, e.Field)));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task ImportAsync_Csv_ImportsWithJsonPayloads()
    {
        await using var db = await TestDb.CreateAsync(server);
        var path = Write("events.csv", "event_type,timestamp,payload\norder,2026-01-10T11:00:01Z,\"{\"\"amount\"\": 3}\"\nsignup,2026-01-10T11:00:02Z,\n");

        var result = await new EventImporter(db.Ingestor(), db.Validation()).ImportAsync(path);

        Assert.Equal(2L, result.Inserted);
        Assert.Equal(3.0, await db.ScalarAsync<double>("SELECT sum((payload->>'amount')::float8) FROM business_events"));
    }

    [Fact]
    public async Task ImportAsync_LineWithDuplicateProperty_ImportsNothingAndNamesTheLine()
    {
        await using var db = await TestDb.CreateAsync(server);
        var path = Write("dup.ndjson", """
            {"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"}
            {"event_type":"signup","event_type":"order","timestamp":"2026-01-10T11:00:02Z"}
            """);

        var ex = await Assert.ThrowsAsync<ImportValidationException>(() => new EventImporter(db.Ingestor(), db.Validation()).ImportAsync(path));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(2L, error.Index);
        Assert.Contains("duplicate property 'event_type'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM business_events"));
    }

    [Fact]
    public async Task ImportAsync_KeyAlreadyStoredWithOtherContent_ThrowsConflictNamingTheLine()
    {
        await using var db = await TestDb.CreateAsync(server);
        await db.Ingestor().IngestAsync([TestDb.Event("order", new DateTimeOffset(2026, 1, 10, 11, 0, 0, TimeSpan.Zero), key: "own")]);
        var path = Write("conflict.ndjson", """
            {"event_type":"signup","timestamp":"2026-01-10T11:00:01Z"}
            {"event_type":"refund","timestamp":"2026-01-10T11:00:02Z","idempotency_key":"own"}
            """);

        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => new EventImporter(db.Ingestor(), db.Validation()).ImportAsync(path));

        Assert.Equal(("own", 2), (ex.IdempotencyKey, ex.Index));
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool, which would race the assertions).</summary>
    private sealed class SyncProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
