-- 0007: every stored fact bound to the audit chain (issue 15). Entries of the fact kinds written from now on carry
-- rowsSha256 over the rows they wrote (RecordFacts); fact_binding says from which seq on, so verification knows which
-- entries must carry it. Ledger events also keep the digest of the arrangement set and the rule set they were decided
-- under. The remaining fact tables become append-only, as the log and the decision tables already are.

CREATE TABLE fact_binding (
    from_seq INTEGER NOT NULL CHECK (from_seq >= 1)
);

INSERT INTO fact_binding (from_seq) SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log;

-- SQLITE-ONLY: trigger syntax.
CREATE TRIGGER fact_binding_no_update BEFORE UPDATE ON fact_binding BEGIN SELECT RAISE(ABORT, 'fact_binding is fixed'); END;
CREATE TRIGGER fact_binding_no_delete BEFORE DELETE ON fact_binding BEGIN SELECT RAISE(ABORT, 'fact_binding is fixed'); END;
CREATE TRIGGER fact_binding_no_insert BEFORE INSERT ON fact_binding BEGIN SELECT RAISE(ABORT, 'fact_binding is fixed'); END;

-- Verification pages through the entries of a kind, and the ledger looks up the latest adoption of an arrangement set.
CREATE INDEX ix_audit_log_kind ON audit_log (kind, seq);

ALTER TABLE ledger_event ADD COLUMN arrangements_sha256 TEXT CHECK (arrangements_sha256 IS NULL OR length(arrangements_sha256) = 64);
ALTER TABLE ledger_event ADD COLUMN rule_set_version TEXT;

CREATE TRIGGER encounter_import_no_update BEFORE UPDATE ON encounter_import BEGIN SELECT RAISE(ABORT, 'encounter_import is append-only'); END;
CREATE TRIGGER encounter_import_no_delete BEFORE DELETE ON encounter_import BEGIN SELECT RAISE(ABORT, 'encounter_import is append-only'); END;
CREATE TRIGGER encounter_day_no_update BEFORE UPDATE ON encounter_day BEGIN SELECT RAISE(ABORT, 'encounter_day is append-only'); END;
CREATE TRIGGER encounter_day_no_delete BEFORE DELETE ON encounter_day BEGIN SELECT RAISE(ABORT, 'encounter_day is append-only'); END;
CREATE TRIGGER recorded_determination_no_update BEFORE UPDATE ON recorded_determination BEGIN SELECT RAISE(ABORT, 'recorded_determination is append-only'); END;
CREATE TRIGGER recorded_determination_no_delete BEFORE DELETE ON recorded_determination BEGIN SELECT RAISE(ABORT, 'recorded_determination is append-only'); END;
CREATE TRIGGER monthly_import_no_update BEFORE UPDATE ON monthly_import BEGIN SELECT RAISE(ABORT, 'monthly_import is append-only'); END;
CREATE TRIGGER monthly_import_no_delete BEFORE DELETE ON monthly_import BEGIN SELECT RAISE(ABORT, 'monthly_import is append-only'); END;
CREATE TRIGGER cbp_sbo_monthly_no_update BEFORE UPDATE ON cbp_sbo_monthly BEGIN SELECT RAISE(ABORT, 'cbp_sbo_monthly is append-only'); END;
CREATE TRIGGER cbp_sbo_monthly_no_delete BEFORE DELETE ON cbp_sbo_monthly BEGIN SELECT RAISE(ABORT, 'cbp_sbo_monthly is append-only'); END;
CREATE TRIGGER khsm_monthly_no_update BEFORE UPDATE ON khsm_monthly BEGIN SELECT RAISE(ABORT, 'khsm_monthly is append-only'); END;
CREATE TRIGGER khsm_monthly_no_delete BEFORE DELETE ON khsm_monthly BEGIN SELECT RAISE(ABORT, 'khsm_monthly is append-only'); END;

-- A key is never deleted; the only change is its revocation, once, which sets the two revocation columns and nothing else.
CREATE TRIGGER api_key_no_delete BEFORE DELETE ON api_key BEGIN SELECT RAISE(ABORT, 'api_key rows are never deleted'); END;
CREATE TRIGGER api_key_revoke_only BEFORE UPDATE ON api_key
WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
  OR NEW.key_id IS NOT OLD.key_id OR NEW.name IS NOT OLD.name OR NEW.role IS NOT OLD.role
  OR NEW.key_sha256 IS NOT OLD.key_sha256 OR NEW.created_at IS NOT OLD.created_at OR NEW.created_audit_seq IS NOT OLD.created_audit_seq
BEGIN
    SELECT RAISE(ABORT, 'an api_key row changes only by being revoked, once');
END;
