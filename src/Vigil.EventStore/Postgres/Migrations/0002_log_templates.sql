-- New log templates (docs/logs.md): the first time a source's miner saw each kind of line. Written once per
-- (source, template id): ids are stable across restarts, so a re-read or a second replica inserts nothing new and
-- the first sighting is kept. Keep in step with the other back end's 0002: the same statements run on both.
CREATE TABLE log_templates (
    source        TEXT    NOT NULL,
    template_id   BIGINT  NOT NULL,
    template      TEXT    NOT NULL,
    first_seen_ms BIGINT  NOT NULL,
    recorded_ms   BIGINT  NOT NULL,
    PRIMARY KEY (source, template_id)
);
CREATE INDEX ix_log_templates_first_seen ON log_templates (first_seen_ms DESC, source, template_id);
