-- Business-metrics schema, version 1. Applied inside one transaction under an advisory lock (DbMigrator),
-- so a failure leaves nothing half-created and two replicas starting at once apply it exactly once.

-- Raw events: the source of truth. Never updated after insert (no is_processed flag: see docs/business-metrics.md).
CREATE TABLE business_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_type      varchar(100) NOT NULL,
    event_timestamp timestamptz  NOT NULL,
    payload         jsonb,
    ingested_at     timestamptz  NOT NULL DEFAULT now(),
    idempotency_key varchar(200)
);

-- Serves the aggregation range scan (event_timestamp >= $1 AND < $2) and the per-minute re-aggregation of late
-- minutes; event_type is a key column so the one-minute steady-state count can be an index-only scan.
CREATE INDEX ix_business_events_timestamp_type ON business_events (event_timestamp, event_type);

-- Partial: events without a key (bulk backfills, most traffic) pay nothing for deduplication.
CREATE UNIQUE INDEX ux_business_events_idempotency_key ON business_events (idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- Every event type ever seen and its first minute: the zero-filled grid is types x minutes, and a type's
-- zeros start at its first event (no fake zeros before a type existed). Maintained by ingest, so the
-- aggregator never scans the events table for DISTINCT event_type.
CREATE TABLE business_event_types (
    event_type   varchar(100) PRIMARY KEY,
    first_minute timestamptz  NOT NULL
);

-- Request-level idempotency (Idempotency-Key header): a replayed request inserts nothing.
CREATE TABLE ingest_requests (
    idempotency_key varchar(200) PRIMARY KEY,
    event_count     integer      NOT NULL,
    accepted_at     timestamptz  NOT NULL DEFAULT now()
);

-- One row per metric and minute (metric_timestamp = start of the minute, UTC).
CREATE TABLE aggregated_metrics (
    metric_name      varchar(200)     NOT NULL,
    metric_timestamp timestamptz      NOT NULL,
    metric_value     double precision NOT NULL,
    is_anomaly       boolean          NOT NULL DEFAULT false,
    anomaly_score    double precision,
    anomaly_context  jsonb,
    aggregated_at    timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT pk_aggregated_metrics PRIMARY KEY (metric_name, metric_timestamp)
);

-- The scorer reads "all metrics since T" (history window + new minutes) in one query.
CREATE INDEX ix_aggregated_metrics_timestamp ON aggregated_metrics (metric_timestamp);

-- Single-row state. watermark: every minute strictly before it is aggregated (exclusive end).
CREATE TABLE aggregation_state (
    id         smallint PRIMARY KEY CHECK (id = 1),
    watermark  timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO aggregation_state (id) VALUES (1);

-- Separate row (and table) so scoring never holds a lock the aggregator needs.
CREATE TABLE detection_state (
    id             smallint PRIMARY KEY CHECK (id = 1),
    detected_until timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO detection_state (id) VALUES (1);

-- Minutes below the watermark that received late events (within the allowed lateness) and must be re-aggregated.
CREATE TABLE aggregation_dirty_minutes (
    minute    timestamptz PRIMARY KEY,
    marked_at timestamptz NOT NULL DEFAULT now()
);
