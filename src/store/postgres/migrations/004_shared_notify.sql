-- Customers and cars are shared by the group: a new phone number or a
-- corrected plate shows on every shop's board, so the notice names no
-- shop ("*"). A bulk copy stays quiet, as for the shop tables.
CREATE FUNCTION frontdesk_notify_shared() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('frontdesk.bulk', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('frontdesk', '* ' || TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE TRIGGER customers_notify AFTER INSERT OR UPDATE OR DELETE ON customers
    FOR EACH STATEMENT EXECUTE FUNCTION frontdesk_notify_shared();
CREATE TRIGGER vehicles_notify AFTER INSERT OR UPDATE OR DELETE ON vehicles
    FOR EACH STATEMENT EXECUTE FUNCTION frontdesk_notify_shared();
CREATE TRIGGER vehicle_owners_notify AFTER INSERT OR UPDATE OR DELETE ON vehicle_owners
    FOR EACH STATEMENT EXECUTE FUNCTION frontdesk_notify_shared();
