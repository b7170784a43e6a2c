-- frontdesk group schema 3: who sees what, the audit log's guards, and the
-- notices that keep every board live.
--
-- Each person connects as their own database role (see README): the server
-- has authenticated them, so `session_user` is who they are, and no
-- environment variable can say otherwise. Row-level security keeps them to
-- their home shop and the shops they are allowed. The schema's owner (the
-- group's administrator, who runs `frontdesk migrate`) is not bound by it.

-- Staff roles are members of this one role, which holds the table rights.
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'frontdesk_staff') THEN
        CREATE ROLE frontdesk_staff NOLOGIN;
    END IF;
END $$;

-- The shops the connected person may see. SECURITY DEFINER so that it reads
-- users and user_shops whatever the caller may read.
CREATE FUNCTION frontdesk_allowed_shops() RETURNS SETOF BIGINT
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
        SELECT home_shop_id FROM users WHERE login = session_user AND active = 1 AND home_shop_id IS NOT NULL
        UNION
        SELECT us.shop_id FROM user_shops us JOIN users u ON u.id = us.user_id
        WHERE u.login = session_user AND u.active = 1
    $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO frontdesk_staff;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO frontdesk_staff;
REVOKE UPDATE, DELETE ON audit_log FROM frontdesk_staff;
REVOKE INSERT, UPDATE, DELETE ON shops, user_shops, shop_imports, schema_migrations FROM frontdesk_staff;

ALTER TABLE settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY settings_by_shop ON settings
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE work_groups ENABLE ROW LEVEL SECURITY;
CREATE POLICY work_groups_by_shop ON work_groups
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE bays ENABLE ROW LEVEL SECURITY;
CREATE POLICY bays_by_shop ON bays
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE appointments ENABLE ROW LEVEL SECURITY;
CREATE POLICY appointments_by_shop ON appointments
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE repair_orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY repair_orders_by_shop ON repair_orders
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE ro_lines ENABLE ROW LEVEL SECURITY;
CREATE POLICY ro_lines_by_shop ON ro_lines
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
CREATE POLICY payments_by_shop ON payments
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE added_work_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY added_work_requests_by_shop ON added_work_requests
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE added_work_calls ENABLE ROW LEVEL SECURITY;
CREATE POLICY added_work_calls_by_shop ON added_work_calls
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE progress_checks ENABLE ROW LEVEL SECURITY;
CREATE POLICY progress_checks_by_shop ON progress_checks
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE quality_checks ENABLE ROW LEVEL SECURITY;
CREATE POLICY quality_checks_by_shop ON quality_checks
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE checklists ENABLE ROW LEVEL SECURITY;
CREATE POLICY checklists_by_shop ON checklists
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE checklist_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY checklist_entries_by_shop ON checklist_entries
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE key_tags ENABLE ROW LEVEL SECURITY;
CREATE POLICY key_tags_by_shop ON key_tags
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE key_moves ENABLE ROW LEVEL SECURITY;
CREATE POLICY key_moves_by_shop ON key_moves
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE callbacks ENABLE ROW LEVEL SECURITY;
CREATE POLICY callbacks_by_shop ON callbacks
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
CREATE POLICY contacts_by_shop ON contacts
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE complaints ENABLE ROW LEVEL SECURITY;
CREATE POLICY complaints_by_shop ON complaints
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE part_orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY part_orders_by_shop ON part_orders
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE canned_jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY canned_jobs_by_shop ON canned_jobs
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE ro_counter ENABLE ROW LEVEL SECURITY;
CREATE POLICY ro_counter_by_shop ON ro_counter
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_log_by_shop ON audit_log
    USING (shop_id IN (SELECT frontdesk_allowed_shops()))
    WITH CHECK (shop_id IN (SELECT frontdesk_allowed_shops()));

-- The audit log is append-only, and every row is sealed into its shop's
-- chain by frontdesk. Rights are revoked above; the triggers hold even for
-- the owner.
CREATE FUNCTION frontdesk_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION frontdesk_audit_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION frontdesk_audit_append_only();

-- Each commit tells every listening terminal what changed: "shop table id".
-- NOTIFY is delivered at commit, and identical notices of one transaction
-- are sent once. A bulk copy (`frontdesk migrate`) sets frontdesk.bulk and
-- sends one notice of its own at the end instead of a million.
CREATE FUNCTION frontdesk_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r RECORD;
BEGIN
    IF coalesce(current_setting('frontdesk.bulk', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    PERFORM pg_notify('frontdesk', r.shop_id || ' ' || TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE TRIGGER repair_orders_notify AFTER INSERT OR UPDATE OR DELETE ON repair_orders
    FOR EACH ROW EXECUTE FUNCTION frontdesk_notify();
CREATE TRIGGER bays_notify AFTER INSERT OR UPDATE OR DELETE ON bays
    FOR EACH ROW EXECUTE FUNCTION frontdesk_notify();
CREATE TRIGGER work_groups_notify AFTER INSERT OR UPDATE OR DELETE ON work_groups
    FOR EACH ROW EXECUTE FUNCTION frontdesk_notify();
CREATE TRIGGER key_tags_notify AFTER INSERT OR UPDATE OR DELETE ON key_tags
    FOR EACH ROW EXECUTE FUNCTION frontdesk_notify();
CREATE TRIGGER appointments_notify AFTER INSERT OR UPDATE OR DELETE ON appointments
    FOR EACH ROW EXECUTE FUNCTION frontdesk_notify();
CREATE TRIGGER ro_lines_notify AFTER INSERT OR UPDATE OR DELETE ON ro_lines
    FOR EACH ROW EXECUTE FUNCTION frontdesk_notify();
CREATE TRIGGER payments_notify AFTER INSERT OR UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION frontdesk_notify();
CREATE TRIGGER callbacks_notify AFTER INSERT OR UPDATE OR DELETE ON callbacks
    FOR EACH ROW EXECUTE FUNCTION frontdesk_notify();
CREATE TRIGGER complaints_notify AFTER INSERT OR UPDATE OR DELETE ON complaints
    FOR EACH ROW EXECUTE FUNCTION frontdesk_notify();
CREATE TRIGGER settings_notify AFTER INSERT OR UPDATE OR DELETE ON settings
    FOR EACH ROW EXECUTE FUNCTION frontdesk_notify();
