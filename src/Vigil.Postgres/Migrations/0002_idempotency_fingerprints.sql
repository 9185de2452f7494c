-- Business-metrics schema, version 2: request fingerprints, so that an Idempotency-Key replayed with other events
-- is rejected (422) instead of being answered as a replay of the first request.
--
-- SHA-256 of the request's events in canonical form (EventIngestor.Fingerprint). Nullable, and no default or
-- backfill: adding it is a catalogue-only change (no table rewrite, no long lock), and a request accepted before
-- this version has NULL, meaning "content unknown": a replay under its key is accepted as before.
--
-- Per-event keys need no column: a reused key is compared with the stored event itself (type, timestamp,
-- payload as jsonb), which rows written before this version have too.
ALTER TABLE ingest_requests ADD COLUMN body_hash bytea;
