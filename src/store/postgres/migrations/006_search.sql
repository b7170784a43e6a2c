-- The search from anywhere (the new-RO dialog's car search, Ctrl-F). The
-- file keeps an FTS5 trigram index; the server uses pg_trgm's GIN indexes
-- for the same substring lookups, when the extension is installed (it is
-- part of PostgreSQL's contrib, shipped with the Debian server package).
-- Without it the search still works, by scanning, and says nothing.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX customers_name_trgm ON customers USING gin (lower(name) gin_trgm_ops);
    CREATE INDEX customers_phone_trgm ON customers USING gin (phone gin_trgm_ops);
    CREATE INDEX vehicles_plate_trgm ON vehicles USING gin (plate_norm gin_trgm_ops);
    CREATE INDEX vehicles_vin_trgm ON vehicles USING gin (lower(vin) gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%); search scans instead', SQLERRM;
END $$;
CREATE INDEX repair_orders_number_prefix ON repair_orders (number text_pattern_ops);
