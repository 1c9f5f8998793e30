-- 0005: API keys of the web service (PostgreSQL port of Migrations/Sqlite/0005_api_keys.sql, integers as BIGINT). Only the SHA-256 of each key is kept; the key itself is shown once, at creation.
-- The same columns and checks as the SQLite set.

CREATE TABLE api_key (
    key_id            TEXT    PRIMARY KEY CHECK (length(key_id) = 12),    -- public, shown in listings and the audit log
    name              TEXT    NOT NULL CHECK (name <> ''),
    role              TEXT    NOT NULL CHECK (role IN ('viewer', 'analyst', 'operator', 'admin')),
    key_sha256        TEXT    NOT NULL UNIQUE CHECK (length(key_sha256) = 64),
    created_at        TEXT    NOT NULL,
    created_audit_seq BIGINT  NOT NULL UNIQUE REFERENCES audit_log (seq),
    revoked_at        TEXT,
    revoked_audit_seq BIGINT  UNIQUE REFERENCES audit_log (seq),
    CHECK ((revoked_at IS NULL) = (revoked_audit_seq IS NULL))
);
