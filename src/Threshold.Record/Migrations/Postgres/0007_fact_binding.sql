-- 0007: every stored fact bound to the audit chain (PostgreSQL port of Migrations/Sqlite/0007_fact_binding.sql).
-- fact_binding says from which audit seq on entries of the fact kinds carry rowsSha256; ledger events keep the digest
-- of the arrangement set and rule set they were decided under; the remaining fact tables become append-only.

CREATE TABLE fact_binding (
    from_seq BIGINT NOT NULL CHECK (from_seq >= 1)
);

INSERT INTO fact_binding (from_seq) SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log;

CREATE TRIGGER fact_binding_no_update BEFORE UPDATE ON fact_binding FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER fact_binding_no_delete BEFORE DELETE ON fact_binding FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER fact_binding_no_insert BEFORE INSERT ON fact_binding FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();

-- Verification pages through the entries of a kind, and the ledger looks up the latest adoption of an arrangement set.
CREATE INDEX ix_audit_log_kind ON audit_log (kind, seq);

ALTER TABLE ledger_event ADD COLUMN arrangements_sha256 TEXT CHECK (arrangements_sha256 IS NULL OR length(arrangements_sha256) = 64);
ALTER TABLE ledger_event ADD COLUMN rule_set_version TEXT;

CREATE TRIGGER encounter_import_no_update BEFORE UPDATE ON encounter_import FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER encounter_import_no_delete BEFORE DELETE ON encounter_import FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER encounter_day_no_update BEFORE UPDATE ON encounter_day FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER encounter_day_no_delete BEFORE DELETE ON encounter_day FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER recorded_determination_no_update BEFORE UPDATE ON recorded_determination FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER recorded_determination_no_delete BEFORE DELETE ON recorded_determination FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER monthly_import_no_update BEFORE UPDATE ON monthly_import FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER monthly_import_no_delete BEFORE DELETE ON monthly_import FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER cbp_sbo_monthly_no_update BEFORE UPDATE ON cbp_sbo_monthly FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER cbp_sbo_monthly_no_delete BEFORE DELETE ON cbp_sbo_monthly FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER khsm_monthly_no_update BEFORE UPDATE ON khsm_monthly FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();
CREATE TRIGGER khsm_monthly_no_delete BEFORE DELETE ON khsm_monthly FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();

-- A key is never deleted; the only change is its revocation, once, which sets the two revocation columns and nothing else.
CREATE TRIGGER api_key_no_delete BEFORE DELETE ON api_key FOR EACH ROW EXECUTE FUNCTION threshold_refuse_change();

CREATE FUNCTION threshold_api_key_revoke_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
       OR NEW.key_id IS DISTINCT FROM OLD.key_id OR NEW.name IS DISTINCT FROM OLD.name OR NEW.role IS DISTINCT FROM OLD.role
       OR NEW.key_sha256 IS DISTINCT FROM OLD.key_sha256 OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR NEW.created_audit_seq IS DISTINCT FROM OLD.created_audit_seq THEN
        RAISE EXCEPTION 'an api_key row changes only by being revoked, once';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER api_key_revoke_only BEFORE UPDATE ON api_key FOR EACH ROW EXECUTE FUNCTION threshold_api_key_revoke_only();
