-- 0002: screening decisions as stored facts, and the Mexico returns ledger as an event table.
-- Kept to SQL that PostgreSQL also accepts, except where marked SQLITE-ONLY.

-- One row per stored screening decision: the full input, the full output (which carries the trace) and the versions
-- that produced it. Each row has its own audit-log entry, written in the same transaction.
CREATE TABLE screening_decision (
    decision_id      INTEGER PRIMARY KEY,               -- 1, 2, 3 … assigned under the write lock
    case_id          TEXT    NOT NULL CHECK (case_id <> ''),
    input_json       TEXT    NOT NULL,                  -- CaseJsonReader.Write(case)
    output_json      TEXT    NOT NULL,                  -- CaseDecisionJson.Build(decision), CaseDecisionJson.Compact
    rule_set_version TEXT    NOT NULL CHECK (rule_set_version <> ''),
    engine_version   TEXT    NOT NULL CHECK (engine_version <> ''),
    recorded_at      TEXT    NOT NULL,                  -- uuuu-MM-ddTHH:mm:ss.ffffffZ
    audit_seq        INTEGER NOT NULL UNIQUE REFERENCES audit_log (seq)
);

CREATE INDEX ix_screening_decision_case ON screening_decision (case_id, decision_id);

-- SQLITE-ONLY: trigger syntax. Stored decisions are facts: never updated or deleted.
CREATE TRIGGER screening_decision_no_update BEFORE UPDATE ON screening_decision
BEGIN
    SELECT RAISE(ABORT, 'screening_decision is append-only');
END;

CREATE TRIGGER screening_decision_no_delete BEFORE DELETE ON screening_decision
BEGIN
    SELECT RAISE(ABORT, 'screening_decision is append-only');
END;

-- One row per allocation of the returns ledger, in allocation order. A month's use of a capped arrangement is the
-- number of its rows with overflow = 0 in that ledger_month; it is counted inside the write transaction.
CREATE TABLE ledger_event (
    seq                 INTEGER PRIMARY KEY,            -- 1, 2, 3 … assigned under the write lock
    case_id             TEXT    NOT NULL,
    citizenship         TEXT    NOT NULL CHECK (length(citizenship) = 2),
    encountered_at      TEXT    NOT NULL,               -- instant, as recorded_at
    unaccompanied_child INTEGER NOT NULL CHECK (unaccompanied_child IN (0, 1)),
    destination         TEXT    NOT NULL CHECK (length(destination) = 2),
    overflow            INTEGER NOT NULL CHECK (overflow IN (0, 1)),
    arrangement_id      TEXT,
    ledger_month        TEXT    NOT NULL CHECK (length(ledger_month) = 7),   -- yyyy-MM, Eastern month of the encounter
    recorded_at         TEXT    NOT NULL,
    audit_seq           INTEGER NOT NULL UNIQUE REFERENCES audit_log (seq),
    CHECK (overflow = 0 OR arrangement_id IS NOT NULL)
);

CREATE INDEX ix_ledger_event_cap ON ledger_event (ledger_month, arrangement_id, overflow);
CREATE INDEX ix_ledger_event_recorded ON ledger_event (recorded_at, seq);

-- SQLITE-ONLY: trigger syntax. The ledger is append-only.
CREATE TRIGGER ledger_event_no_update BEFORE UPDATE ON ledger_event
BEGIN
    SELECT RAISE(ABORT, 'ledger_event is append-only');
END;

CREATE TRIGGER ledger_event_no_delete BEFORE DELETE ON ledger_event
BEGIN
    SELECT RAISE(ABORT, 'ledger_event is append-only');
END;
