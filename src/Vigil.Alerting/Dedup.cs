using StackExchange.Redis;
using Vigil.EventStore;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Alerting;

/// <summary>A claim on a dedup key for a window, atomic across every replica sharing the back end.</summary>
internal interface IDedupStore
{
    string Backend { get; }

    /// <summary>True when this caller claimed the key (nobody held it, or the last claim expired).</summary>
    Task<bool> TryClaimAsync(string key, TimeSpan window, CancellationToken cancellationToken);
}

/// <summary>Redis: <c>SET key 1 NX PX window</c>; the TTL is the window, so it survives Vigil restarts.</summary>
internal sealed class RedisDedupStore(string configuration) : IDedupStore, IAsyncDisposable
{
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public string Backend => "redis";

    public async Task<bool> TryClaimAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync().ConfigureAwait(false);
        return await connection.GetDatabase().StringSetAsync(key, "1", window, When.NotExists).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        if (_connection is { } existing)
        {
            return existing;
        }

        await _connectLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connection is null)
            {
                var options = ConfigurationOptions.Parse(configuration);
                // Fail-open needs a prompt error, not a client that waits for a server that may never come back.
                options.AbortOnConnectFail = false;
                options.ConnectTimeout = 2000;
                options.SyncTimeout = 2000;
                options.AsyncTimeout = 2000;
                _connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            }

            return _connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }
}

/// <summary>The event store's dedup keys: PostgreSQL when configured (shared by replicas), else embedded SQLite.</summary>
internal sealed class EventStoreDedupStore(IEventStore store) : IDedupStore
{
    public string Backend => "event_store";

    public Task<bool> TryClaimAsync(string key, TimeSpan window, CancellationToken cancellationToken)
        => store.TryClaimDedupKeyAsync(key, window, cancellationToken);
}

/// <summary>
/// Fail-open dedup: when the back end cannot answer, the alert is published anyway (a duplicate page beats a lost
/// one), <c>vigil_errors_total{error_type="dedup"}</c> is counted and the failure is logged. Never silent.
/// </summary>
internal sealed class AlertDeduplicator(IDedupStore store, VigilMetrics metrics, ILogger<AlertDeduplicator> logger)
{
    public async Task<bool> ShouldPublishAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        try
        {
            return await store.TryClaimAsync(key, window, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.CountError(ErrorTypes.Dedup);
            logger.DedupFailed(store.Backend, key, ex);
            return true;
        }
    }
}
