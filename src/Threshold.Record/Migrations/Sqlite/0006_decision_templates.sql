-- 0006: bulk decisions stored as templates and values. A bulk line (the `screen --trace inline` contract) is the same
-- text for every case of one outcome shape except a few per-case values: the id, the return destination, overflow,
-- the allocation's arrangement, reason and month, the status day and the decision date. Each distinct template — the
-- JSON array of the text segments around those values — is stored once (screening_template, keyed by the SHA-256 of
-- its JSON); the row's output_json holds its values (a JSON array of the raw JSON texts) and template_id names the
-- template. A decision-batch entry whose payload has "templates": true covers such rows (docs/record.md has the
-- recipe). Rows stored before keep trace_id (or their full output) as they were.

CREATE TABLE screening_template (
    template_id   TEXT NOT NULL PRIMARY KEY CHECK (length(template_id) = 64),  -- lower-hex SHA-256 of template_json (UTF-8)
    template_json TEXT NOT NULL                                                -- ["{\"id\":", "…", …]: segment k precedes value k (value 0 is the id)
);

-- SQLITE-ONLY: trigger syntax. Templates are facts: never updated or deleted.
CREATE TRIGGER screening_template_no_update BEFORE UPDATE ON screening_template
BEGIN
    SELECT RAISE(ABORT, 'screening_template is append-only');
END;

CREATE TRIGGER screening_template_no_delete BEFORE DELETE ON screening_template
BEGIN
    SELECT RAISE(ABORT, 'screening_template is append-only');
END;

ALTER TABLE screening_decision ADD COLUMN template_id TEXT REFERENCES screening_template (template_id);

-- Rows are read by decision_id range (a batch's entry names its range) and by case_id; the index on audit_seq served
-- only the diagnostics of a failed verification and cost an index insert per stored decision.
DROP INDEX ix_screening_decision_audit;
