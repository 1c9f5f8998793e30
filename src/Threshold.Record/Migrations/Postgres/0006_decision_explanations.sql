-- 0006: bulk decisions stored with their explanation by reference. PostgreSQL port of
-- Migrations/Sqlite/0006_decision_explanations.sql: each distinct explanation (flags, applied orders, citations, trace
-- id and trace of a bulk line) is stored once, keyed by the SHA-256 of its JSON; the row keeps the shared line and
-- explanation_id (docs/record.md).

CREATE TABLE screening_explanation (
    explanation_id   TEXT NOT NULL PRIMARY KEY CHECK (length(explanation_id) = 64),
    explanation_json TEXT NOT NULL
);

CREATE TRIGGER screening_explanation_no_update BEFORE UPDATE ON screening_explanation FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER screening_explanation_no_delete BEFORE DELETE ON screening_explanation FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();

-- POSTGRES-ONLY: no foreign keys on screening_decision. PostgreSQL checks a foreign key with a row-level trigger per
-- inserted row, which halved binary COPY's throughput here; SQLite's checks cost nothing measurable and stay. Every
-- reference is written by the same transaction as its row, and `audit verify` (DecisionRecord.VerifyFacts) checks
-- that each row's audit_seq is its entry's and that its trace or explanation exists.
ALTER TABLE screening_decision DROP CONSTRAINT screening_decision_audit_seq_fkey;
ALTER TABLE screening_decision DROP CONSTRAINT screening_decision_trace_id_fkey;
ALTER TABLE screening_decision ADD COLUMN explanation_id TEXT;
