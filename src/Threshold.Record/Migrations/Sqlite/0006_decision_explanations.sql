-- 0006: bulk decisions stored with their explanation by reference. A bulk line's flags, applied orders, citations,
-- trace id and trace (its "explanation", as `screen --trace shared` prints it) are stored once per distinct
-- explanation (screening_explanation, keyed by the SHA-256 of its JSON); the row keeps the shared line, which names it
-- by explanationId, and explanation_id. A decision-batch entry whose payload has "explanations": true covers such rows
-- (docs/record.md gives the recipe). Rows stored before keep trace_id (or their full output) as they were.

CREATE TABLE screening_explanation (
    explanation_id   TEXT NOT NULL PRIMARY KEY CHECK (length(explanation_id) = 64),  -- lower-hex SHA-256 of explanation_json (UTF-8)
    explanation_json TEXT NOT NULL                                                  -- {"flags":…,"appliedOrders":…,"citations":…,"traceId":…,"trace":…}
);

-- SQLITE-ONLY: trigger syntax. Explanations are facts: never updated or deleted.
CREATE TRIGGER screening_explanation_no_update BEFORE UPDATE ON screening_explanation
BEGIN
    SELECT RAISE(ABORT, 'screening_explanation is append-only');
END;

CREATE TRIGGER screening_explanation_no_delete BEFORE DELETE ON screening_explanation
BEGIN
    SELECT RAISE(ABORT, 'screening_explanation is append-only');
END;

ALTER TABLE screening_decision ADD COLUMN explanation_id TEXT REFERENCES screening_explanation (explanation_id);
