-- 0002: screening decisions as stored facts, and the Mexico returns ledger as an event table.
-- PostgreSQL port of Migrations/Sqlite/0002_decisions_and_ledger.sql: the same tables and columns (integers as BIGINT, generated ids as identity
-- columns); the append-only guards are PL/pgSQL triggers at the end.

-- One row per stored screening decision: the full input, the full output (which carries the trace) and the versions
-- that produced it. Each row has its own audit-log entry, written in the same transaction.
CREATE TABLE screening_decision (
    decision_id      BIGINT PRIMARY KEY,               -- 1, 2, 3 … assigned under the write lock
    case_id          TEXT    NOT NULL CHECK (case_id <> ''),
    input_json       TEXT    NOT NULL,                  -- CaseJsonReader.Write(case)
    output_json      TEXT    NOT NULL,                  -- CaseDecisionJson.Build(decision), CaseDecisionJson.Compact
    rule_set_version TEXT    NOT NULL CHECK (rule_set_version <> ''),
    engine_version   TEXT    NOT NULL CHECK (engine_version <> ''),
    recorded_at      TEXT    NOT NULL,                  -- uuuu-MM-ddTHH:mm:ss.ffffffZ
    audit_seq        BIGINT  NOT NULL UNIQUE REFERENCES audit_log (seq)
);

CREATE INDEX ix_screening_decision_case ON screening_decision (case_id, decision_id);

-- One row per allocation of the returns ledger, in allocation order. A month's use of a capped arrangement is the
-- number of its rows with overflow = 0 in that ledger_month; it is counted inside the write transaction.
CREATE TABLE ledger_event (
    seq                 BIGINT PRIMARY KEY,            -- 1, 2, 3 … assigned under the write lock
    case_id             TEXT    NOT NULL,
    citizenship         TEXT    NOT NULL CHECK (length(citizenship) = 2),
    encountered_at      TEXT    NOT NULL,               -- instant, as recorded_at
    unaccompanied_child BIGINT  NOT NULL CHECK (unaccompanied_child IN (0, 1)),
    destination         TEXT    NOT NULL CHECK (length(destination) = 2),
    overflow            BIGINT  NOT NULL CHECK (overflow IN (0, 1)),
    arrangement_id      TEXT,
    ledger_month        TEXT    NOT NULL CHECK (length(ledger_month) = 7),   -- yyyy-MM, Eastern month of the encounter
    recorded_at         TEXT    NOT NULL,
    audit_seq           BIGINT  NOT NULL UNIQUE REFERENCES audit_log (seq),
    CHECK (overflow = 0 OR arrangement_id IS NOT NULL)
);

CREATE INDEX ix_ledger_event_cap ON ledger_event (ledger_month, arrangement_id, overflow);
CREATE INDEX ix_ledger_event_recorded ON ledger_event (recorded_at, seq);


-- Stored decisions and the ledger are facts: never updated or deleted.
CREATE TRIGGER screening_decision_no_update BEFORE UPDATE ON screening_decision FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER screening_decision_no_delete BEFORE DELETE ON screening_decision FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER ledger_event_no_update BEFORE UPDATE ON ledger_event FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER ledger_event_no_delete BEFORE DELETE ON ledger_event FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
