-- 0006: bulk decisions stored as templates and values. PostgreSQL port of Migrations/Sqlite/0006_decision_templates.sql:
-- each distinct template (the JSON array of the text segments around a bulk line's per-case values) is stored once,
-- keyed by the SHA-256 of its JSON; the row's output_json holds its values and template_id names the template
-- (docs/record.md).

CREATE TABLE screening_template (
    template_id   TEXT NOT NULL PRIMARY KEY CHECK (length(template_id) = 64),
    template_json TEXT NOT NULL
);

CREATE TRIGGER screening_template_no_update BEFORE UPDATE ON screening_template FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER screening_template_no_delete BEFORE DELETE ON screening_template FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();

-- POSTGRES-ONLY: no foreign keys on screening_decision. PostgreSQL checks a foreign key with a row-level trigger per
-- inserted row, which halved binary COPY's throughput here; SQLite's checks cost nothing measurable and stay. Every
-- reference is written by the same transaction as its row, and `audit verify` (DecisionRecord.VerifyFacts) checks
-- that each row's audit_seq is its entry's and that its trace or template exists.
ALTER TABLE screening_decision DROP CONSTRAINT screening_decision_audit_seq_fkey;
ALTER TABLE screening_decision DROP CONSTRAINT screening_decision_trace_id_fkey;
ALTER TABLE screening_decision ADD COLUMN template_id TEXT;

-- Rows are read by decision_id range (a batch's entry names its range) and by case_id; the index on audit_seq served
-- only the diagnostics of a failed verification and cost an index insert per stored decision.
DROP INDEX ix_screening_decision_audit;
