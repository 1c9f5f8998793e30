-- 0008: a recorded determination names the policy it was made under (issue 17), so a determination made under one
-- instrument is never followed by, or compared with, another's timeline. Until now only proclamation-10773's
-- determinations could be recorded (the only in-force instrument with a numeric threshold), so every existing row is
-- attributed to it; docs/record.md says so. Adding the column with a default changes no row through an UPDATE, so the
-- append-only triggers of 0007 stand. Entries written from now on carry "policy" in their payload and bind policy_id in
-- their rowsSha256; an entry without it binds the attribution instead (RecordFacts checks policy_id = proclamation-10773).

ALTER TABLE recorded_determination ADD COLUMN policy_id TEXT NOT NULL DEFAULT 'proclamation-10773' CHECK (policy_id <> '');

-- A policy's official timeline reads only its own determinations.
CREATE INDEX ix_recorded_determination_policy ON recorded_determination (policy_id, determined_on);
