using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.EventStore.Sqlite;

namespace Vigil.EventStore.Tests.Sqlite;

/// <summary>The contract against the embedded back end: a fresh SQLite file per test in a temp directory.</summary>
public sealed class SqliteEventStoreTests : EventStoreContractTests, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<SqliteEventStore> _stores = [];
    private int _files;

    private string Path { get; set; } = "";

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task MigrateAsync_NewFile_UsesWriteAheadLogging()
    {
        await using var connection = new SqliteConnection($"Data Source={Path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Constructor_MissingDirectory_CreatesIt()
    {
        var path = _temp.File("nested/deeper/events.db");
        var store = Track(new SqliteEventStore(path, TimeSpan.FromSeconds(5), Clock, NullLogger<SqliteEventStore>.Instance));

        await store.MigrateAsync(CancellationToken.None);

        Assert.True(File.Exists(path));
    }

    protected override Task PrepareAsync()
    {
        Path = _temp.File(string.Create(CultureInfo.InvariantCulture, $"events-{++_files}.db"));
        return Task.CompletedTask;
    }

    protected override IEventStore CreateStore() => Track(new SqliteEventStore(Path, TimeSpan.FromSeconds(10), Clock, NullLogger<SqliteEventStore>.Instance));

    protected override Task CloseAsync(IEventStore store)
    {
        ((SqliteEventStore)store).Dispose();
        return Task.CompletedTask;
    }

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private SqliteEventStore Track(SqliteEventStore store)
    {
        _stores.Add(store);
        return store;
    }
}
