-- 0004: decisions stored in batches. PostgreSQL port of Migrations/Sqlite/0004_decision_batches.sql: a decision's
-- trace is stored once per distinct trace (screening_trace, keyed by the SHA-256 of its JSON) and referenced by
-- trace_id; a batch of decisions is recorded by ONE audit entry of kind decision-batch whose payload holds the SHA-256
-- of the batch's rows (docs/record.md). Rows stored before keep their full output and their own audit entry.

CREATE TABLE screening_trace (
    trace_id   TEXT NOT NULL PRIMARY KEY CHECK (length(trace_id) = 64),
    trace_json TEXT NOT NULL
);

CREATE TRIGGER screening_trace_no_update BEFORE UPDATE ON screening_trace FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER screening_trace_no_delete BEFORE DELETE ON screening_trace FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();

-- Many rows now share one audit entry.
ALTER TABLE screening_decision DROP CONSTRAINT screening_decision_audit_seq_key;
ALTER TABLE screening_decision ADD COLUMN trace_id TEXT REFERENCES screening_trace (trace_id);

CREATE INDEX ix_screening_decision_audit ON screening_decision (audit_seq);
