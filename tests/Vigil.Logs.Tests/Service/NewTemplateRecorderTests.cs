using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.EventStore;
using Vigil.Logs.Service;
using Vigil.Testing;

namespace Vigil.Logs.Tests.Service;

/// <summary>New templates written to a real (SQLite) event store by the recorder, and a store failure counted and retried.</summary>
public sealed class NewTemplateRecorderTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new("vigil-logs-recorder-");

    public void Dispose() => _dir.Dispose();

    private async Task<(ServiceProvider Provider, IEventStore Store)> StoreAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEventStore(EventStoreOptions.ForStateDirectory(_dir.Path));
        var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IEventStore>();
        await store.MigrateAsync(CancellationToken.None);
        return (provider, store);
    }

    [Fact]
    public async Task Run_TemplatesPublished_StoredOnceEachWithFirstSeen()
    {
        var harness = new LogsHarness(T0);
        var (provider, store) = await StoreAsync();
        await using var _ = provider;
        var sut = new NewTemplateRecorder(harness.Feed, store, harness.Metrics, harness.Time, NullLogger<NewTemplateRecorder>.Instance);
        await sut.StartAsync(CancellationToken.None);

        harness.Feed.Publish(new NewTemplateEvent("app", 1, "user <*> logged in", T0));
        harness.Feed.Publish(new NewTemplateEvent("app", 2, "disk <*> full", T0.AddSeconds(5)));
        harness.Feed.Publish(new NewTemplateEvent("app", 1, "user <*> logged in", T0.AddSeconds(9))); // a replay after a restart
        IReadOnlyList<LogTemplateRecord> stored = [];
        for (var i = 0; i < 2000 && stored.Count < 2; i++)
        {
            await Task.Delay(5);
            stored = await store.ListNewLogTemplatesAsync("app", T0, T0.AddHours(1), 10, CancellationToken.None);
        }

        await sut.StopAsync(CancellationToken.None);

        Assert.Equal([(2L, "disk <*> full", T0.AddSeconds(5)), (1L, "user <*> logged in", T0)], stored.Select(t => (t.TemplateId, t.Template, t.FirstSeen)));
        Assert.Equal(0, harness.ErrorCount("event_store"));
        // The inspector's own queue still gets every event: the recorder reads a subscription of its own.
        Assert.Equal(3, harness.Feed.Drain().Count);
    }

    [Fact]
    public async Task Run_StoreFails_CountsEventStoreErrorAndRetriesUntilStored()
    {
        var harness = new LogsHarness(T0);
        var (provider, store) = await StoreAsync();
        await using var _ = provider;
        var sut = new NewTemplateRecorder(harness.Feed, store, harness.Metrics, harness.Time, NullLogger<NewTemplateRecorder>.Instance);
        await sut.StartAsync(CancellationToken.None);

        // A real store failure: the table is gone, so the insert fails in SQLite; it comes back before the retry.
        await SqlAsync("ALTER TABLE log_templates RENAME TO log_templates_away");
        harness.Feed.Publish(new NewTemplateEvent("app", 7, "payment <*> declined", T0));
        await LogsHarness.WaitUntilAsync(() => harness.ErrorCount("event_store") == 1, "the failed write counted");
        await SqlAsync("ALTER TABLE log_templates_away RENAME TO log_templates");
        IReadOnlyList<LogTemplateRecord> stored = [];
        for (var i = 0; i < 2000 && stored.Count == 0; i++)
        {
            // Advanced on every turn: the recorder may not have started its retry delay when the error was counted.
            harness.Time.Advance(NewTemplateRecorder.RetryDelay);
            await Task.Delay(5);
            stored = await store.ListNewLogTemplatesAsync(null, T0, T0.AddHours(1), 10, CancellationToken.None);
        }

        await sut.StopAsync(CancellationToken.None);

        Assert.Equal(7, Assert.Single(stored).TemplateId);
        Assert.Equal(1, harness.ErrorCount("event_store"));
    }

    private async Task SqlAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.File(EventStoreOptions.DefaultSqliteFileName)};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
