namespace Vigil.Postgres.Aggregation;

/// <summary>
/// The one statement of an aggregation run. Parameters: $1 start (inclusive, = watermark), $2 end (exclusive,
/// the new watermark), $3 max dirty minutes, $4 event-type allow-list (text[] or NULL), $5 now,
/// and with sum fields $6/$7 (event types, payload fields).
/// </summary>
internal static class AggregationSql
{
    // The late-minute (dirty) parts, kept as pieces of the template so that the statement without them is the template
    // with exactly these removed.
    private const string DirtyCte = """
        WITH dirty AS (
            -- Late minutes (below the watermark) to recompute. Deleted here, in the same transaction that
            -- rewrites them: a crash before commit leaves them marked.
            DELETE FROM aggregation_dirty_minutes
            WHERE minute IN (SELECT minute FROM aggregation_dirty_minutes WHERE minute < $1 ORDER BY minute LIMIT $3)
            RETURNING minute
        ), 
        """;

    private const string DirtyMinutes = """

            UNION ALL
            SELECT minute FROM dirty
        """;

    private const string DirtyCounts = """

            UNION ALL
            -- Late minutes: one index range scan per dirty minute.
            SELECT e.event_type, d.minute, count(*){SUM_EXPR}
            FROM dirty d
            JOIN business_events e ON e.event_timestamp >= d.minute AND e.event_timestamp < d.minute + interval '1 minute'{SUM_JOIN}
            WHERE $4::text[] IS NULL OR e.event_type = ANY($4::text[])
            GROUP BY 1, 2
        """;

    private const string DirtyResult = "(SELECT count(*) FROM dirty)::int";

    private const string Template = $$"""
        {{DirtyCte}}minutes AS (
            SELECT g.m FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 minute', interval '1 minute') AS g(m){{DirtyMinutes}}
        ), types AS (
            SELECT event_type, first_minute FROM business_event_types
            WHERE $4::text[] IS NULL OR event_type = ANY($4::text[])
        ){SUM_CTE}, counts AS (
            -- Forward range: one range scan (sequential for a large catch-up, index range for one minute).
            SELECT e.event_type, date_bin('1 minute', e.event_timestamp, timestamptz '2000-01-01Z') AS m, count(*) AS n{SUM_EXPR}
            FROM business_events e{SUM_JOIN}
            WHERE e.event_timestamp >= $1 AND e.event_timestamp < $2
              AND ($4::text[] IS NULL OR e.event_type = ANY($4::text[]))
            GROUP BY 1, 2{{DirtyCounts}}
        ), grid AS (
            -- Every type x every minute since the type's first event: minutes without events become 0, not gaps.
            SELECT t.event_type, mm.m, coalesce(c.n, 0) AS n{SUM_GRID}
            FROM types t
            JOIN minutes mm ON mm.m >= t.first_minute
            LEFT JOIN counts c ON c.event_type = t.event_type AND c.m = mm.m
        ), upserted AS (
            INSERT INTO aggregated_metrics AS a (metric_name, metric_timestamp, metric_value, aggregated_at)
            SELECT event_type, m, n, $5 FROM grid{SUM_ROWS}
            ON CONFLICT (metric_name, metric_timestamp) DO UPDATE
                SET metric_value = excluded.metric_value, aggregated_at = excluded.aggregated_at
                WHERE a.metric_value IS DISTINCT FROM excluded.metric_value
            RETURNING a.metric_timestamp
        ), rewound AS (
            -- A late event changed an already scored minute: scoring resumes from there, so its verdict and those
            -- of the minutes whose window contains it are recomputed. No-op (no lock) for new minutes.
            UPDATE detection_state SET detected_until = (SELECT min(metric_timestamp) FROM upserted)
            WHERE id = 1 AND detected_until > (SELECT min(metric_timestamp) FROM upserted)
        ), advanced AS (
            UPDATE aggregation_state SET watermark = $2, updated_at = $5 WHERE id = 1
        )
        SELECT (SELECT count(*) FROM upserted)::int,
               (SELECT coalesce(sum(n), 0) FROM counts)::bigint,
               {{DirtyResult}}
        """;

    // Without dirty minutes (the common case, known from the state read) the late-minute branches are left out: the
    // plan is simpler and the planner's row estimates stay small.
    private static readonly string TemplateWithoutDirty = Template
            .Replace(DirtyCte, "WITH ", StringComparison.Ordinal)
            .Replace(DirtyMinutes, string.Empty, StringComparison.Ordinal)
            .Replace(DirtyCounts, string.Empty, StringComparison.Ordinal)
            .Replace(DirtyResult, "0::int", StringComparison.Ordinal);

    private static readonly string[] Statements = [WithoutSums(TemplateWithoutDirty), WithoutSums(Template), WithSums(TemplateWithoutDirty), WithSums(Template)];

    /// <summary>The statement text, with or without per-field sums and with or without the late-minute branches.</summary>
    public static string Build(bool withSums, bool withDirty = true) => Statements[(withSums ? 2 : 0) + (withDirty ? 1 : 0)];

    private static string WithSums(string template) => template
            .Replace("{SUM_CTE}", ", sum_fields AS (SELECT * FROM unnest($6::text[], $7::text[]) AS f(event_type, field))", StringComparison.Ordinal)
            .Replace("{SUM_EXPR}", ", sum(CASE WHEN jsonb_typeof(e.payload -> f.field) = 'number' THEN (e.payload ->> f.field)::float8 END) AS s", StringComparison.Ordinal)
            .Replace("{SUM_JOIN}", " LEFT JOIN sum_fields f ON f.event_type = e.event_type", StringComparison.Ordinal)
            .Replace("{SUM_GRID}", ", coalesce(c.s, 0) AS s", StringComparison.Ordinal)
            .Replace("{SUM_ROWS}", " UNION ALL SELECT g.event_type || ':sum:' || f.field, g.m, g.s, $5 FROM grid g JOIN sum_fields f ON f.event_type = g.event_type", StringComparison.Ordinal);

    private static string WithoutSums(string template) => template
            .Replace("{SUM_CTE}", string.Empty, StringComparison.Ordinal)
            .Replace("{SUM_EXPR}", string.Empty, StringComparison.Ordinal)
            .Replace("{SUM_JOIN}", string.Empty, StringComparison.Ordinal)
            .Replace("{SUM_GRID}", string.Empty, StringComparison.Ordinal)
            .Replace("{SUM_ROWS}", string.Empty, StringComparison.Ordinal);

    /// <summary>
    /// JIT off for this transaction: the statement's estimated cost crosses jit_above_cost, and compiling it with
    /// LLVM (inlining + optimisation) took ~500 ms on the test machine for a statement that runs in ~6 ms.
    /// </summary>
    public const string NoJit = "SET LOCAL jit = off";

    /// <summary>Takes the exclusive side of the ingest/aggregation lock (sent in one batch with <see cref="ReadState"/>).</summary>
    public const string Lock = "SELECT pg_advisory_xact_lock($1)";

    /// <summary>Locks and reads the state row.</summary>
    public const string ReadState = """
        SELECT a.watermark,
               (SELECT min(first_minute) FROM business_event_types WHERE $1::text[] IS NULL OR event_type = ANY($1::text[])),
               EXISTS (SELECT 1 FROM aggregation_dirty_minutes)
        FROM aggregation_state a WHERE a.id = 1 FOR UPDATE
        """;
}
