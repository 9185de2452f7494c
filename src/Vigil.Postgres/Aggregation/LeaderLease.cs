using Microsoft.Extensions.Logging;
using Npgsql;

namespace Vigil.Postgres.Aggregation;

/// <summary>
/// Leadership as a session-level advisory lock held on a dedicated connection: whoever holds
/// <c>pg_try_advisory_lock(key)</c> aggregates. When the leader process dies or its connection breaks,
/// PostgreSQL ends the session and releases the lock, and a follower acquires it on its next attempt
/// (one interval). Leadership only avoids wasted work: exactly-once comes from the aggregation transaction.
/// </summary>
public sealed class LeaderLease : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly long _key;
    private readonly BusinessMetricsTelemetry _telemetry;
    private readonly ILogger<LeaderLease> _logger;
    private NpgsqlConnection? _connection;

    public LeaderLease(NpgsqlDataSource dataSource, BusinessMetricsOptions options, BusinessMetricsTelemetry telemetry, ILogger<LeaderLease> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _key = options.Aggregation.LeaderLockKey;
        _telemetry = telemetry ?? throw new ArgumentNullException(nameof(telemetry));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    public bool IsLeader => _connection is not null;

    /// <summary>
    /// Confirms leadership (the lock connection still answers) or tries to acquire it. Returns whether this
    /// instance leads now. Never throws for database failures: they mean "not leader" until the next attempt.
    /// </summary>
    public async Task<bool> TryAcquireOrConfirmAsync(CancellationToken cancellationToken = default)
    {
        if (_connection is { } held)
        {
            try
            {
                // The session (and so the lock) is alive as long as the connection answers.
                await using var ping = new NpgsqlCommand("SELECT 1", held);
                await ping.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                _telemetry.DatabaseError(ex, "leader");
                LogMessages.LeadershipLost(_logger, ex);
                await DropAsync().ConfigureAwait(false);
                return false;
            }
        }

        NpgsqlConnection? connection = null;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = _key });
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                _connection = connection;
                _telemetry.SetLeader(true);
                LogMessages.LeadershipAcquired(_logger);
                return true;
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            return false;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            _telemetry.DatabaseError(ex, "leader");
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            return false;
        }
    }

    /// <summary>Gives leadership up (graceful shutdown), so a follower takes over without waiting for a broken connection.</summary>
    public async Task ReleaseAsync()
    {
        if (_connection is { } held)
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", held);
                command.Parameters.Add(new NpgsqlParameter { Value = _key });
                await command.ExecuteScalarAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The session is gone, and the lock with it.
                _telemetry.DatabaseError(ex, "leader");
            }

            await DropAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(ReleaseAsync());

    private async Task DropAsync()
    {
        var held = _connection;
        _connection = null;
        _telemetry.SetLeader(false);
        if (held is not null)
        {
            // Reaching here the lock was either unlocked explicitly or the connection failed; Npgsql discards
            // broken connections instead of pooling them, so a pooled session never keeps the lock.
            await held.DisposeAsync().ConfigureAwait(false);
        }
    }
}
