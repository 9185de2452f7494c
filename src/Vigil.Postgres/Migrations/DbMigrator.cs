using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Vigil.Postgres.Migrations;

/// <summary>One schema migration: an embedded <c>NNNN_name.sql</c> file.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the script, recorded when applied, so an edited script that was already applied is detected.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

/// <summary>
/// Applies versioned migrations. All pending migrations run in one transaction holding a transaction-level
/// advisory lock: replicas starting together serialise on the lock, the second finds nothing to do, and a
/// failed migration leaves the schema exactly as it was (PostgreSQL DDL is transactional).
/// Used at start-up and by <c>vigil db migrate</c>.
/// </summary>
public sealed class DbMigrator
{
    private const string HistoryTable = "vigil_schema_migrations";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<DbMigrator> _logger;

    public DbMigrator(NpgsqlDataSource dataSource, ILogger<DbMigrator> logger)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Every migration shipped in this assembly, by ascending version.</summary>
    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded();

    /// <summary>Applies what is missing and returns the versions applied by this call (empty when up to date).</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", cancellationToken, BusinessMetricsConstants.MigrationLockKey).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            transaction,
            $"CREATE TABLE IF NOT EXISTS {HistoryTable} (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken).ConfigureAwait(false);

        var applied = new Dictionary<int, string>();
        await using (var read = new NpgsqlCommand($"SELECT version, checksum FROM {HistoryTable}", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        var known = All.Select(m => m.Version).ToHashSet();
        if (applied.Keys.Where(v => !known.Contains(v)).Order().ToList() is { Count: > 0 } unknown)
        {
            // A newer Vigil migrated this database: running old code against a newer schema is not safe.
            throw new InvalidOperationException($"Database has business-metrics migrations this version does not know: {string.Join(", ", unknown)}. Upgrade Vigil.");
        }

        var done = new List<int>();
        foreach (var migration in All)
        {
            if (applied.TryGetValue(migration.Version, out var checksum))
            {
                if (!string.Equals(checksum, migration.Checksum, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Migration {migration.Version} ({migration.Name}) was changed after it was applied (checksum {checksum} in the database, {migration.Checksum} now).");
                }

                continue;
            }

            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(
                connection,
                transaction,
                $"INSERT INTO {HistoryTable} (version, name, checksum) VALUES ($1, $2, $3)",
                cancellationToken,
                migration.Version,
                migration.Name,
                migration.Checksum).ConfigureAwait(false);
            done.Add(migration.Version);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var version in done)
        {
            LogMessages.MigrationApplied(_logger, version, All.First(m => m.Version == version).Name);
        }

        return done;
    }

    /// <summary>Versions recorded in the database (empty on a fresh database).</summary>
    public async Task<IReadOnlyList<int>> GetAppliedVersionsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT version FROM {HistoryTable} ORDER BY version", connection);
        try
        {
            var versions = new List<int>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                versions.Add(reader.GetInt32(0));
            }

            return versions;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return [];
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Migration[] LoadEmbedded()
    {
        var assembly = typeof(DbMigrator).Assembly;
        const string prefix = "Vigil.Postgres.Migrations.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var file = resource[prefix.Length..^".sql".Length]; // e.g. 0001_business_metrics
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(version, file[(underscore + 1)..], reader.ReadToEnd()));
        }

        return [.. migrations.OrderBy(m => m.Version)];
    }
}
