-- 0004: decisions stored in batches. A decision's trace is stored once per distinct trace (screening_trace, keyed by
-- the SHA-256 of its JSON) and referenced by trace_id; a batch of decisions is recorded by ONE audit entry of kind
-- decision-batch whose payload holds the SHA-256 of the batch's rows (docs/record.md gives the recipe). Rows stored
-- before this migration keep their full output (trace_id NULL) and their own audit entry of kind decision.

CREATE TABLE screening_trace (
    trace_id   TEXT NOT NULL PRIMARY KEY CHECK (length(trace_id) = 64),   -- lower-hex SHA-256 of trace_json (UTF-8)
    trace_json TEXT NOT NULL                                              -- the trace[] array, compact JSON
);

-- SQLITE-ONLY: trigger syntax. Traces are facts: never updated or deleted.
CREATE TRIGGER screening_trace_no_update BEFORE UPDATE ON screening_trace
BEGIN
    SELECT RAISE(ABORT, 'screening_trace is append-only');
END;

CREATE TRIGGER screening_trace_no_delete BEFORE DELETE ON screening_trace
BEGIN
    SELECT RAISE(ABORT, 'screening_trace is append-only');
END;

-- SQLITE-ONLY: SQLite cannot drop a UNIQUE constraint, so the table is rebuilt: many rows now share one audit entry.
-- DROP TABLE runs no DELETE triggers.
CREATE TABLE screening_decision_0004 (
    decision_id      INTEGER PRIMARY KEY,
    case_id          TEXT    NOT NULL CHECK (case_id <> ''),
    input_json       TEXT    NOT NULL,
    output_json      TEXT    NOT NULL,                  -- without trace[] when trace_id is set
    rule_set_version TEXT    NOT NULL CHECK (rule_set_version <> ''),
    engine_version   TEXT    NOT NULL CHECK (engine_version <> ''),
    recorded_at      TEXT    NOT NULL,
    audit_seq        INTEGER NOT NULL REFERENCES audit_log (seq),
    trace_id         TEXT    REFERENCES screening_trace (trace_id)
);

INSERT INTO screening_decision_0004 (decision_id, case_id, input_json, output_json, rule_set_version, engine_version, recorded_at, audit_seq, trace_id)
SELECT decision_id, case_id, input_json, output_json, rule_set_version, engine_version, recorded_at, audit_seq, NULL FROM screening_decision;

DROP TABLE screening_decision;

ALTER TABLE screening_decision_0004 RENAME TO screening_decision;

CREATE INDEX ix_screening_decision_case ON screening_decision (case_id, decision_id);
CREATE INDEX ix_screening_decision_audit ON screening_decision (audit_seq);

CREATE TRIGGER screening_decision_no_update BEFORE UPDATE ON screening_decision
BEGIN
    SELECT RAISE(ABORT, 'screening_decision is append-only');
END;

CREATE TRIGGER screening_decision_no_delete BEFORE DELETE ON screening_decision
BEGIN
    SELECT RAISE(ABORT, 'screening_decision is append-only');
END;
