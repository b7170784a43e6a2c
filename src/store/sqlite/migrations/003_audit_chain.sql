-- The audit log becomes a hash chain (see domain/audit_chain.rs). The
-- update trigger is dropped here so the rows already written can be
-- sealed once, in order; the migration then puts it back.
ALTER TABLE audit_log ADD COLUMN hash TEXT;
DROP TRIGGER audit_log_no_update;
