using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.EventStore.Sql;

namespace Vigil.EventStore.Postgres;

/// <summary>
/// The shared back end: the tables live in the PostgreSQL database the host already uses (its
/// <see cref="NpgsqlDataSource"/>), so every replica sees the same episodes, alert state and dedup claims.
/// </summary>
internal sealed class PostgresEventStore(NpgsqlDataSource dataSource, TimeProvider time, ILogger<PostgresEventStore> logger)
    : SqlEventStore(time, logger)
{
    // "VIGIL" in the high bytes, as the business-metrics locks; 0x10 keeps clear of their keys (1..3).
    private const long MigrationLockKey = 0x5649_4749_4C00_0010;

    private static readonly IReadOnlyList<MigrationScript> Scripts = MigrationScript.Load("Postgres");

    protected override string Description => "PostgreSQL event store";

    protected override IReadOnlyList<MigrationScript> Migrations => Scripts;

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
        => await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // DDL is transactional in PostgreSQL: a failed migration leaves the schema as it was. The advisory lock makes
        // replicas that start together apply it once.
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", MigrationLockKey)).ConfigureAwait(false);
        return transaction;
    }

    protected override async Task<bool> SchemaTableExistsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, "SELECT to_regclass('event_store_schema') IS NOT NULL");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
