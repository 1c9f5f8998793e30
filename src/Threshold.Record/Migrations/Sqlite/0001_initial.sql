-- 0001: the audit log, the bitemporal encounter store and recorded determinations.
-- Kept to SQL that PostgreSQL also accepts, except where marked SQLITE-ONLY.

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,               -- 1, 2, 3 … with no gaps
    kind        TEXT    NOT NULL CHECK (kind <> ''),
    recorded_at TEXT    NOT NULL,                  -- uuuu-MM-ddTHH:mm:ss.ffffffZ (UTC, microseconds)
    payload     TEXT    NOT NULL,                  -- canonical JSON object
    prev_hash   TEXT    NOT NULL CHECK (length(prev_hash) = 64),
    hash        TEXT    NOT NULL CHECK (length(hash) = 64) UNIQUE
);

-- SQLITE-ONLY: trigger syntax. The log is append-only; these refuse ordinary edits (the hash chain detects the rest).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE encounter_import (
    import_id         INTEGER PRIMARY KEY,
    series_name       TEXT    NOT NULL CHECK (series_name <> ''),
    source_name       TEXT    NOT NULL,
    content_sha256    TEXT    NOT NULL CHECK (length(content_sha256) = 64),
    recorded_at       TEXT    NOT NULL,
    day_count         INTEGER NOT NULL CHECK (day_count >= 0),
    new_day_count     INTEGER NOT NULL CHECK (new_day_count >= 0),
    revised_day_count INTEGER NOT NULL CHECK (revised_day_count >= 0),
    provenance        TEXT    NOT NULL                 -- canonical JSON array of the file's "# " lines
);

CREATE INDEX ix_encounter_import_series ON encounter_import (series_name, recorded_at);

-- One row per (series, day described, revision). A revision is never updated or deleted: a later import that changes
-- a day adds a row with a later recorded_at.
CREATE TABLE encounter_day (
    series_name                    TEXT    NOT NULL,
    day                            TEXT    NOT NULL CHECK (length(day) = 10),   -- yyyy-MM-dd
    recorded_at                    TEXT    NOT NULL,
    import_id                      INTEGER NOT NULL REFERENCES encounter_import (import_id),
    between_ports                  INTEGER CHECK (between_ports >= 0),
    coastal                        INTEGER CHECK (coastal >= 0),
    ports_of_entry                 INTEGER CHECK (ports_of_entry >= 0),
    uc_noncontiguous_between_ports INTEGER CHECK (uc_noncontiguous_between_ports >= 0),
    uc_noncontiguous_ports         INTEGER CHECK (uc_noncontiguous_ports >= 0),
    PRIMARY KEY (series_name, day, import_id)
);

CREATE INDEX ix_encounter_day_as_of ON encounter_day (series_name, day, recorded_at);

CREATE TABLE recorded_determination (
    determination_id INTEGER PRIMARY KEY,
    determined_on    TEXT    NOT NULL CHECK (length(determined_on) = 10),
    kind             TEXT    NOT NULL CHECK (kind <> ''),
    window_start     TEXT    NOT NULL CHECK (length(window_start) = 10),
    window_end       TEXT    NOT NULL CHECK (length(window_end) = 10),
    made_by          TEXT    NOT NULL CHECK (made_by <> ''),
    note             TEXT,
    recorded_at      TEXT    NOT NULL,
    audit_seq        INTEGER NOT NULL UNIQUE REFERENCES audit_log (seq),
    CHECK (window_start <= window_end)
);
