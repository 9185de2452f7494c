using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Vigil.Core.Tracing;
using Vigil.Postgres.Tracing;

namespace Vigil.Postgres.Ingest;

/// <summary>How an ingest batch treats events older than the watermark.</summary>
public enum IngestMode
{
    /// <summary>Live traffic: late events within the allowed lateness re-aggregate their minute; older ones are only counted.</summary>
    Live,

    /// <summary>Backfill (<c>vigil events import</c>): every minute below the watermark that gains events is re-aggregated.</summary>
    Backfill,
}

/// <summary>
/// Writes validated events. One call is one transaction: binary COPY into a temporary table, then a single
/// INSERT … ON CONFLICT DO NOTHING into <c>business_events</c>, so a batch is all-or-nothing and a retried
/// event with the same idempotency key is not inserted twice.
/// </summary>
public sealed class EventIngestor
{
    // The part both statements share, after their own `state`, `batch_types` and `late` (minutes below the watermark
    // with their counts): register the batch's types, and mark dirty every minute that must be re-aggregated.
    // $1 now, $2 allowed lateness, $3 backfill.
    private const string RegisterTypesAndMarkDirty = """
        types AS (
            -- One statement that waits for or locks every type row of the batch in sorted order: concurrent
            -- batches meet the same rows in the same order, so they queue instead of deadlocking.
            INSERT INTO business_event_types (event_type, first_minute)
            SELECT event_type, first_minute FROM batch_types ORDER BY event_type
            ON CONFLICT (event_type) DO UPDATE SET first_minute = excluded.first_minute
            WHERE excluded.first_minute < business_event_types.first_minute
            RETURNING event_type, first_minute
        ), widened AS (
            -- A type that is new (or starts earlier) below the watermark needs its zero minutes too, not only the
            -- minutes that have events: re-aggregate from its first minute (bounded by the lateness unless backfill).
            SELECT g.minute
            FROM types t CROSS JOIN state s
            CROSS JOIN LATERAL generate_series(
                CASE WHEN $3 THEN t.first_minute ELSE greatest(t.first_minute, date_bin('1 minute', s.watermark - $2, timestamptz '2000-01-01Z')) END,
                s.watermark - interval '1 minute',
                interval '1 minute') AS g(minute)
            WHERE t.first_minute < s.watermark
        ), dirty AS (
            INSERT INTO aggregation_dirty_minutes (minute, marked_at)
            SELECT minute, $1 FROM (SELECT minute FROM late WHERE reaggregate UNION SELECT minute FROM widened) d ORDER BY minute
            ON CONFLICT (minute) DO NOTHING
        )
        """;

    // One statement: insert (skipping duplicate keys), register new event types, and mark minutes that are
    // already aggregated as dirty. RETURNING limits the late accounting to rows really inserted.
    private const string InsertSql = $"""
        WITH state AS (
            SELECT watermark FROM aggregation_state WHERE id = 1
        ), ins AS (
            INSERT INTO business_events (event_type, event_timestamp, payload, idempotency_key, ingested_at)
            SELECT event_type, event_timestamp, payload, idempotency_key, $1 FROM vigil_ingest
            ON CONFLICT DO NOTHING
            RETURNING event_type, event_timestamp
        ), batch_types AS (
            SELECT event_type, date_bin('1 minute', min(event_timestamp), timestamptz '2000-01-01Z') AS first_minute FROM ins GROUP BY event_type
        ), late AS (
            SELECT m.minute, m.n, $3 OR m.minute >= s.watermark - $2 AS reaggregate
            FROM (SELECT date_bin('1 minute', event_timestamp, timestamptz '2000-01-01Z') AS minute, count(*) AS n FROM ins GROUP BY 1) m
            CROSS JOIN state s
            WHERE m.minute < s.watermark
        ), {RegisterTypesAndMarkDirty}
        SELECT (SELECT count(*) FROM ins)::int,
               (SELECT coalesce(sum(n), 0) FROM late WHERE reaggregate)::int,
               (SELECT coalesce(sum(n), 0) FROM late WHERE NOT reaggregate)::int
        """;

    // Fast path for batches without keys (nothing to deduplicate): rows were COPYed straight into business_events,
    // and the batch's types and minutes, computed in memory, are registered here. Same transaction, same lock.
    private const string RegisterSql = $"""
        WITH state AS (
            SELECT watermark FROM aggregation_state WHERE id = 1
        ), batch_types AS (
            SELECT * FROM unnest($4::text[], $5::timestamptz[]) AS b(event_type, first_minute)
        ), late AS (
            SELECT m.minute, m.n, $3 OR m.minute >= s.watermark - $2 AS reaggregate
            FROM unnest($6::timestamptz[], $7::int[]) AS m(minute, n)
            CROSS JOIN state s
            WHERE m.minute < s.watermark
        ), {RegisterTypesAndMarkDirty}
        SELECT (SELECT coalesce(sum(n), 0) FROM late WHERE reaggregate)::int,
               (SELECT coalesce(sum(n), 0) FROM late WHERE NOT reaggregate)::int
        """;

    // Keys of this batch already held by a stored event with other content. Run only when the insert skipped rows
    // (a retry or a reused key), as its own statement: under READ COMMITTED it sees a row that a concurrent batch
    // committed while our INSERT waited on the unique index, which the INSERT's own snapshot does not. LIMIT 1 in
    // the lateral subquery keeps it a per-row probe of ux_business_events_idempotency_key: the temp table has no
    // statistics, and a hash join would read the whole events table. Stored jsonb compares by value (key order
    // and spacing of the payload do not matter); the timestamp compares as stored (microseconds).
    // The event's index is its position in the COPY: the temp table is filled once by COPY in this transaction and
    // never updated or deleted from, so its heap order (ctid) is the insertion order. Computing it here, on the rare
    // retry path, keeps an ordinal column out of every keyed COPY (one measured at -25 % throughput).
    private const string ConflictSql = """
        WITH batch AS (
            SELECT (row_number() OVER (ORDER BY ctid) - 1)::int AS ord, event_type, event_timestamp, payload, idempotency_key
            FROM vigil_ingest
        )
        SELECT i.ord, i.idempotency_key, e.type_differs, e.timestamp_differs, e.payload_differs
        FROM batch i
        CROSS JOIN LATERAL (
            SELECT s.event_type <> i.event_type AS type_differs,
                   s.event_timestamp <> i.event_timestamp AS timestamp_differs,
                   s.payload IS DISTINCT FROM i.payload AS payload_differs
            FROM business_events s
            WHERE s.idempotency_key = i.idempotency_key AND s.idempotency_key IS NOT NULL
            LIMIT 1
        ) e
        WHERE i.idempotency_key IS NOT NULL AND (e.type_differs OR e.timestamp_differs OR e.payload_differs)
        ORDER BY i.ord
        LIMIT 1
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly AggregationOptions _aggregation;
    private readonly TimeProvider _time;
    private readonly BusinessMetricsTelemetry _telemetry;
    private readonly ILogger<EventIngestor> _logger;

    public EventIngestor(NpgsqlDataSource dataSource, BusinessMetricsOptions options, TimeProvider time, BusinessMetricsTelemetry telemetry, ILogger<EventIngestor> logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _aggregation = options.Aggregation;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _telemetry = telemetry ?? throw new ArgumentNullException(nameof(telemetry));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>
    /// Inserts <paramref name="events"/> in one transaction. With <paramref name="requestKey"/> (the
    /// Idempotency-Key header), a request already accepted under that key with the same events inserts nothing and
    /// reports <see cref="IngestResult.Replayed"/>. An event whose idempotency key is already stored with the same
    /// content is skipped (a duplicate).
    /// </summary>
    /// <exception cref="IdempotencyConflictException">
    /// A key was reused for different content: the request key for other events, or an event key for another
    /// event (stored earlier, or earlier in the same batch). Nothing was stored.
    /// </exception>
    public async Task<IngestResult> IngestAsync(IReadOnlyList<BusinessEvent> events, string? requestKey = null, IngestMode mode = IngestMode.Live, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return new IngestResult(0, 0, 0, 0, 0, Replayed: false);
        }

        using var activity = BusinessTracing.Source.StartActivity(BusinessTracing.Ingest);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("vigil.business.events", events.Count);
            activity.SetTag("vigil.business.mode", mode == IngestMode.Live ? "live" : "backfill");
        }

        try
        {
            var result = await IngestCoreAsync(events, requestKey, mode, cancellationToken).ConfigureAwait(false);
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("vigil.business.inserted", result.Inserted);
                activity.SetTag("vigil.business.duplicates", result.Duplicates);
                activity.SetTag("vigil.business.replayed", result.Replayed);
            }

            _telemetry.EventsIngested(result.Inserted);
            if (result.TooLate > 0)
            {
                _telemetry.EventsTooLate(result.TooLate);
                LogMessages.EventsTooLate(_logger, result.TooLate, _aggregation.AllowedLateness);
            }

            return result;
        }
        catch (NpgsqlException ex)
        {
            Traced.Fail(activity, BusinessMetricsTelemetry.Classify(ex), ex.Message);
            _telemetry.DatabaseError(ex, "ingest");
            throw;
        }
    }

    private async Task<IngestResult> IngestCoreAsync(IReadOnlyList<BusinessEvent> events, string? requestKey, IngestMode mode, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        if (requestKey is not null)
        {
            // Concurrent duplicates block here on the primary key until the first commits, then see the conflict.
            var fingerprint = Fingerprint(events);
            await using var claim = new NpgsqlCommand("INSERT INTO ingest_requests (idempotency_key, event_count, accepted_at, body_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", connection, transaction);
            claim.Parameters.Add(new NpgsqlParameter { Value = requestKey });
            claim.Parameters.Add(new NpgsqlParameter { Value = events.Count });
            claim.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow() });
            claim.Parameters.Add(new NpgsqlParameter { Value = fingerprint, NpgsqlDbType = NpgsqlDbType.Bytea });
            if (await claim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                // A new statement, so it sees the first request's row even when the INSERT above waited for it.
                await using var stored = new NpgsqlCommand("SELECT body_hash FROM ingest_requests WHERE idempotency_key = $1", connection, transaction);
                stored.Parameters.Add(new NpgsqlParameter { Value = requestKey });
                var hash = await stored.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);

                // NULL: accepted before request fingerprints existed (migration 2); content unknown, so a replay.
                if (hash is not null && !hash.AsSpan().SequenceEqual(fingerprint))
                {
                    throw new IdempotencyConflictException(
                        requestKey,
                        index: null,
                        where: null,
                        $"Idempotency-Key '{requestKey}' was already used for a request with different events; nothing was stored (use a new key for a new request)");
                }

                return new IngestResult(events.Count, 0, events.Count, 0, 0, Replayed: true);
            }
        }

        var keyed = events.Any(e => e.IdempotencyKey is not null);
        int inserted, late, tooLate;
        if (keyed)
        {
            await using (var create = new NpgsqlCommand(
                "CREATE TEMP TABLE vigil_ingest (event_type varchar(100) NOT NULL, event_timestamp timestamptz NOT NULL, payload jsonb, idempotency_key varchar(200)) ON COMMIT DROP",
                connection,
                transaction))
            {
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // COPY before taking the shared aggregation lock: the slow part of a batch never delays the aggregator.
            await CopyAsync(connection, "vigil_ingest (event_type, event_timestamp, payload, idempotency_key)", events, withKey: true, cancellationToken).ConfigureAwait(false);
            await LockSharedAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await using var insert = new NpgsqlCommand(InsertSql, connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow() });
            insert.Parameters.Add(new NpgsqlParameter { Value = _aggregation.AllowedLateness });
            insert.Parameters.Add(new NpgsqlParameter { Value = mode == IngestMode.Backfill });
            await using (var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                inserted = reader.GetInt32(0);
                late = reader.GetInt32(1);
                tooLate = reader.GetInt32(2);
            }

            if (inserted < events.Count)
            {
                await ThrowOnReusedKeyAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            // Nothing to deduplicate: COPY straight into the table (as fast as a plain COPY), then register the
            // batch's types and minutes from memory. Uncommitted rows are invisible to the aggregator until the
            // commit, which happens under the shared lock taken below, so the watermark argument still holds.
            await CopyAsync(connection, "business_events (event_type, event_timestamp, payload, ingested_at)", events, withKey: false, cancellationToken).ConfigureAwait(false);
            var types = events.GroupBy(e => e.EventType, StringComparer.Ordinal)
                .Select(g => (Type: g.Key, First: Aggregation.Aggregator.FloorMinute(g.Min(e => e.Timestamp))))
                .OrderBy(t => t.Type, StringComparer.Ordinal).ToArray();
            var minutes = events.GroupBy(e => Aggregation.Aggregator.FloorMinute(e.Timestamp))
                .Select(g => (Minute: g.Key, Count: g.Count())).ToArray();
            await LockSharedAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await using var register = new NpgsqlCommand(RegisterSql, connection, transaction);
            register.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow() });
            register.Parameters.Add(new NpgsqlParameter { Value = _aggregation.AllowedLateness });
            register.Parameters.Add(new NpgsqlParameter { Value = mode == IngestMode.Backfill });
            register.Parameters.Add(new NpgsqlParameter { Value = types.Select(t => t.Type).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            register.Parameters.Add(new NpgsqlParameter { Value = types.Select(t => t.First).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            register.Parameters.Add(new NpgsqlParameter { Value = minutes.Select(m => m.Minute).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            register.Parameters.Add(new NpgsqlParameter { Value = minutes.Select(m => m.Count).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            await using var reader = await register.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            inserted = events.Count;
            late = reader.GetInt32(0);
            tooLate = reader.GetInt32(1);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new IngestResult(events.Count, inserted, events.Count - inserted, late, tooLate, Replayed: false);
    }

    /// <summary>
    /// Throws (and the transaction, never committed, rolls back) when a skipped event's key belongs to a stored
    /// event with another type, timestamp or payload: a retry must resend the same event, as payment APIs require.
    /// </summary>
    private static async Task ThrowOnReusedKeyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var check = new NpgsqlCommand(ConflictSql, connection, transaction);
        await using var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var index = reader.GetInt32(0);
        var key = reader.GetString(1);
        string[] fields = ["event_type", "timestamp", "payload"];
        var differs = string.Join(", ", fields.Where((_, i) => reader.GetBoolean(2 + i)));
        throw new IdempotencyConflictException(
            key,
            index,
            FormattableString.Invariant($"events[{index}]"),
            $"idempotency_key '{key}' is already used by an event with a different {differs}; nothing was stored (resend the same event, or use a new key)");
    }

    /// <summary>
    /// SHA-256 of the events in canonical form: type, timestamp (UTC microseconds, as stored), payload without
    /// whitespace outside strings, and key, in order. The same events sent as a JSON array or as NDJSON, or
    /// re-indented, give the same fingerprint; any change of a value, of the order, or of the number of events does not.
    /// </summary>
    internal static byte[] Fingerprint(IReadOnlyList<BusinessEvent> events)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var text = new StringBuilder();
        foreach (var e in events)
        {
            // Length-prefixed fields: no choice of characters in a key or payload can make two batches collide.
            text.Clear();
            Field(text, e.EventType);
            Field(text, (e.Timestamp.UtcTicks / 10).ToString(CultureInfo.InvariantCulture));
            Field(text, e.PayloadJson is null ? null : Minified(e.PayloadJson));
            Field(text, e.IdempotencyKey);
            hash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
        }

        return hash.GetHashAndReset();

        static void Field(StringBuilder text, string? value)
            => (value is null ? text.Append('-') : text.Append(value.Length).Append(':').Append(value)).Append(';');

        static string Minified(string json)
        {
            var text = new StringBuilder(json.Length);
            var inString = false;
            var escaped = false;
            foreach (var c in json)
            {
                if (inString)
                {
                    inString = escaped || c != '"';
                    escaped = !escaped && c == '\\';
                    text.Append(c);
                }
                else if (c is not (' ' or '\t' or '\r' or '\n'))
                {
                    inString = c == '"';
                    text.Append(c);
                }
            }

            return text.ToString();
        }
    }

    private static async Task LockSharedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var share = new NpgsqlBatch(connection, transaction);
        share.BatchCommands.Add(new NpgsqlBatchCommand(Aggregation.AggregationSql.NoJit));
        share.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock_shared($1)") { Parameters = { new NpgsqlParameter { Value = BusinessMetricsConstants.AggregationLockKey } } });
        await share.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CopyAsync(NpgsqlConnection connection, string target, IReadOnlyList<BusinessEvent> events, bool withKey, CancellationToken cancellationToken)
    {
        var ingestedAt = _time.GetUtcNow();
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {target} FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        foreach (var e in events)
        {
            await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);

            await writer.WriteAsync(e.EventType, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(e.Timestamp.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            if (e.PayloadJson is null)
            {
                await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await writer.WriteAsync(e.PayloadJson, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
            }

            if (!withKey)
            {
                await writer.WriteAsync(ingestedAt, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            }
            else if (e.IdempotencyKey is null)
            {
                await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await writer.WriteAsync(e.IdempotencyKey, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
            }
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
