using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Vigil.EventStore.Sql;

namespace Vigil.EventStore.Sqlite;

/// <summary>
/// The embedded back end: one SQLite file (in <c>server.state_dir</c>), so <c>vigil run</c> needs no server.
/// WAL journal: readers never block the writer and several processes may open the same file; writes are serialised
/// by SQLite's own lock, which is what makes a dedup claim atomic across them. <c>synchronous=NORMAL</c>: a commit
/// survives a crash of Vigil; a power loss may lose the last commits, but never corrupts the file.
/// </summary>
internal sealed class SqliteEventStore : SqlEventStore, IDisposable
{
    private static readonly IReadOnlyList<MigrationScript> Scripts = MigrationScript.Load("Sqlite");
    private readonly string _connectionString;

    public SqliteEventStore(string path, TimeSpan busyTimeout, TimeProvider time, ILogger<SqliteEventStore> logger)
        : base(time, logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout: the wait for another writer.
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
        BusyTimeoutMs = (long)busyTimeout.TotalMilliseconds;
    }

    public string Path { get; }

    private long BusyTimeoutMs { get; }

    protected override string Description => $"SQLite event store at {Path}";

    protected override IReadOnlyList<MigrationScript> Migrations => Scripts;

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // Per connection, not per file: a pooled connection keeps them, a new one needs them again.
            await ExecuteAsync(connection, null, $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = NORMAL;", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override async Task BeforeMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // Persistent in the file; cannot change inside a transaction.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
    }

    protected override Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // An IMMEDIATE transaction (deferred: false) takes the write lock at once, so a second process migrating the
        // same file waits here (busy timeout) and then finds the schema current.
        return Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
    }

    protected override async Task<bool> SchemaTableExistsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'event_store_schema'");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Closes the pooled connections, so the file can be moved or deleted (and a reopen reads from disk).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
