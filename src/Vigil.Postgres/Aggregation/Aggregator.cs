using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Vigil.Core.Tracing;
using Vigil.Postgres.Tracing;

namespace Vigil.Postgres.Aggregation;

/// <summary>Outcome of one aggregation transaction.</summary>
public sealed record AggregationRunResult(
    DateTimeOffset? Watermark,
    int Minutes,
    int DirtyMinutes,
    int RowsWritten,
    long EventsAggregated,
    bool CaughtUp,
    TimeSpan Elapsed);

/// <summary>
/// Per-minute aggregation, exactly once. Each run is ONE transaction: lock, read the watermark, then one
/// set-based statement that counts (and sums) every event type over a bounded range of minutes plus a bounded
/// set of late minutes, zero-fills, upserts into <c>aggregated_metrics</c> and advances the watermark.
/// A crash anywhere rolls the whole run back; rerunning recomputes the same minutes with an idempotent upsert.
/// Correctness does not depend on leadership: two concurrent runs serialise on the advisory lock and the row lock.
/// </summary>
public sealed class Aggregator
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly AggregationOptions _options;
    private readonly TimeProvider _time;
    private readonly BusinessMetricsTelemetry _telemetry;
    private readonly ILogger<Aggregator> _logger;
    private readonly string _sql;
    private readonly string _sqlWithoutDirty;
    private readonly string[]? _eventTypes;
    private readonly string[] _sumTypes;
    private readonly string[] _sumFields;

    public Aggregator(NpgsqlDataSource dataSource, BusinessMetricsOptions options, TimeProvider time, BusinessMetricsTelemetry telemetry, ILogger<Aggregator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _options = options.Aggregation;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _telemetry = telemetry ?? throw new ArgumentNullException(nameof(telemetry));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _eventTypes = _options.EventTypes is { Count: > 0 } types ? [.. types] : null;
        var sums = (_options.SumFields ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        _sumTypes = [.. sums.Select(p => p.Key)];
        _sumFields = [.. sums.Select(p => p.Value)];
        _sql = AggregationSql.Build(withSums: sums.Length > 0);
        _sqlWithoutDirty = AggregationSql.Build(withSums: sums.Length > 0, withDirty: false);
    }

    /// <summary>Runs one bounded aggregation transaction. Call again while <see cref="AggregationRunResult.CaughtUp"/> is false.</summary>
    public async Task<AggregationRunResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        using var activity = BusinessTracing.Source.StartActivity(BusinessTracing.Aggregate);
        try
        {
            var result = await RunCoreAsync(started, cancellationToken).ConfigureAwait(false);
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("vigil.business.minutes", result.Minutes);
                activity.SetTag("vigil.business.dirty_minutes", result.DirtyMinutes);
                activity.SetTag("vigil.business.events_aggregated", result.EventsAggregated);
                activity.SetTag("vigil.business.caught_up", result.CaughtUp);
            }

            _telemetry.AggregationDuration(result.Elapsed);
            _telemetry.EventsAggregated(result.EventsAggregated);
            if (result.Watermark is { } watermark)
            {
                _telemetry.SetWatermarkLag(_time.GetUtcNow() - watermark);
            }

            if (result.Minutes + result.DirtyMinutes > 0 && _logger.IsEnabled(LogLevel.Debug))
            {
                LogMessages.Aggregated(_logger, result.Minutes, result.Watermark ?? default, result.DirtyMinutes, result.EventsAggregated, result.Elapsed.TotalMilliseconds);
            }

            return result;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            Traced.Fail(activity, BusinessMetricsTelemetry.Classify(ex), ex.Message);
            _telemetry.DatabaseError(ex, "aggregate");
            throw;
        }
    }

    /// <summary>Runs until caught up (bounded batches, one transaction each); returns the number of runs.</summary>
    public Task<int> CatchUpAsync(CancellationToken cancellationToken = default) =>
        CatchUp.RunAsync(async ct => (await RunOnceAsync(ct).ConfigureAwait(false)).CaughtUp, cancellationToken);

    private async Task<AggregationRunResult> RunCoreAsync(long started, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        DateTimeOffset? watermark, firstMinute;
        bool hasDirty;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(AggregationSql.NoJit));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(AggregationSql.Lock) { Parameters = { new NpgsqlParameter { Value = BusinessMetricsConstants.AggregationLockKey } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(AggregationSql.ReadState) { Parameters = { TextArray(_eventTypes) } });
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the lock's result (SET returns none)
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            watermark = reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
            firstMinute = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
            hasDirty = reader.GetBoolean(2);
        }

        var start = watermark ?? _options.StartAt?.ToUniversalTime() ?? firstMinute;
        if (start is not { } from)
        {
            // Nothing ingested yet: nothing to aggregate, and no watermark to invent.
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new AggregationRunResult(null, 0, 0, 0, 0, CaughtUp: true, _time.GetElapsedTime(started));
        }

        var closed = FloorMinute(_time.GetUtcNow() - _options.SettleDelay);
        var end = Min(from.AddMinutes(_options.MaxMinutesPerRun), closed);
        if (end < from)
        {
            end = from;
        }

        if (end == from && !hasDirty)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new AggregationRunResult(watermark, 0, 0, 0, 0, CaughtUp: true, _time.GetElapsedTime(started));
        }

        int rows, dirty;
        long events;
        await using (var command = new NpgsqlCommand(hasDirty ? _sql : _sqlWithoutDirty, connection, transaction))
        {
            command.CommandTimeout = 0; // bounded by MaxMinutesPerRun, not by a clock: a timeout would only redo the work
            command.Parameters.Add(new NpgsqlParameter { Value = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = end, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = _options.MaxDirtyMinutesPerRun, NpgsqlDbType = NpgsqlDbType.Integer });
            command.Parameters.Add(TextArray(_eventTypes));
            command.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            if (_sumTypes.Length > 0)
            {
                command.Parameters.Add(TextArray(_sumTypes));
                command.Parameters.Add(TextArray(_sumFields));
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            rows = reader.GetInt32(0);
            events = reader.GetInt64(1);
            dirty = reader.GetInt32(2);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var minutes = (int)(end - from).TotalMinutes;
        var caughtUp = end >= closed && dirty < _options.MaxDirtyMinutesPerRun;
        return new AggregationRunResult(end, minutes, dirty, rows, events, caughtUp, _time.GetElapsedTime(started));
    }

    internal static DateTimeOffset FloorMinute(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static NpgsqlParameter TextArray(string[]? values)
        => new() { Value = (object?)values ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}
