-- Event store, SQLite. Times are Unix epoch milliseconds (UTC); JSON is text; enums are lower-case names.
-- Keep in step with Postgres/Migrations/0001_initial.sql: the same statements run on both.
CREATE TABLE anomaly_episodes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    source           TEXT    NOT NULL,
    job              TEXT    NOT NULL,
    series_hash      TEXT    NOT NULL,  -- SHA-256 (first 128 bits, hex) of the canonical series: the indexed identity
    series           TEXT    NOT NULL,  -- canonical label set, {a="1",b="2"}
    labels           TEXT    NOT NULL,  -- the same labels as a JSON object
    detector         TEXT    NOT NULL,
    start_ms         INTEGER NOT NULL,
    end_ms           INTEGER,           -- NULL while open
    peak_ms          INTEGER NOT NULL,
    peak_score       REAL    NOT NULL,
    peak_value       REAL    NOT NULL,
    peak_expected    REAL    NOT NULL,
    test             TEXT    NOT NULL,
    anomalous_points INTEGER NOT NULL,
    context          TEXT,
    updated_ms       INTEGER NOT NULL,
    UNIQUE (source, job, series_hash, detector, start_ms),
    CHECK (end_ms IS NULL OR end_ms >= start_ms)
);
CREATE INDEX ix_episodes_start ON anomaly_episodes (start_ms DESC, id DESC);
CREATE INDEX ix_episodes_job ON anomaly_episodes (job, start_ms DESC, id DESC);
CREATE INDEX ix_episodes_series ON anomaly_episodes (job, series_hash, start_ms DESC, id DESC);
CREATE INDEX ix_episodes_open ON anomaly_episodes (job, start_ms DESC) WHERE end_ms IS NULL;

CREATE TABLE operator_feedback (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    job        TEXT    NOT NULL,
    target     TEXT    NOT NULL CHECK (target IN ('series', 'selector')),
    series     TEXT    NOT NULL,  -- canonical series, or the selector's matchers
    labels     TEXT    NOT NULL,
    from_ms    INTEGER NOT NULL,
    to_ms      INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('new_normal', 'not_anomaly', 'confirmed')),
    author     TEXT    NOT NULL,
    comment    TEXT,
    created_ms INTEGER NOT NULL,
    CHECK (to_ms >= from_ms)
);
CREATE INDEX ix_feedback_range ON operator_feedback (job, from_ms, to_ms);
CREATE INDEX ix_feedback_created ON operator_feedback (created_ms DESC, id DESC);

CREATE TABLE inspection_reports (
    round_id    TEXT    PRIMARY KEY,
    started_ms  INTEGER NOT NULL,
    finished_ms INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    errors      TEXT    NOT NULL,  -- JSON array of strings
    CHECK (finished_ms >= started_ms)
);
CREATE INDEX ix_inspection_started ON inspection_reports (started_ms DESC, round_id DESC);

CREATE TABLE alert_states (
    alert_key     TEXT    PRIMARY KEY,
    status        TEXT    NOT NULL CHECK (status IN ('firing', 'resolved')),
    first_sent_ms INTEGER NOT NULL,
    last_sent_ms  INTEGER NOT NULL,
    payload       TEXT    NOT NULL,
    updated_ms    INTEGER NOT NULL
);
CREATE INDEX ix_alerts_status ON alert_states (status, last_sent_ms DESC);

CREATE TABLE dedup_keys (
    dedup_key  TEXT    PRIMARY KEY,
    claimed_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
CREATE INDEX ix_dedup_expires ON dedup_keys (expires_ms);
