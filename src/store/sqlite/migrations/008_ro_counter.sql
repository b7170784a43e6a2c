-- frontdesk schema 8: the RO number counter. Taking the next number used to
-- scan every RO for the highest serial inside BEGIN IMMEDIATE, so every
-- other terminal's write waited behind it (85 ms at a million ROs). Now one
-- row holds the highest serial in use, read and bumped in the same
-- transaction as the insert.
-- Append-only: never edit a migration that has shipped; add the next one.

CREATE TABLE ro_counter (
    prefix TEXT PRIMARY KEY,
    last_serial INTEGER NOT NULL
);

-- An existing shop starts from its highest serial (one last scan, here).
INSERT INTO ro_counter (prefix, last_serial)
SELECT 'RO-', coalesce(max(CAST(substr(number, 4) AS INTEGER)), 0)
FROM repair_orders WHERE number LIKE 'RO-%';

-- Every way an RO arrives (the desk, an import, the generator, a seed)
-- keeps the counter at or above the serial it used, so no path can hand
-- out a number already on file.
CREATE TRIGGER repair_orders_counter AFTER INSERT ON repair_orders
WHEN NEW.number LIKE 'RO-%'
BEGIN
    UPDATE ro_counter
    SET last_serial = max(last_serial, CAST(substr(NEW.number, 4) AS INTEGER))
    WHERE prefix = 'RO-';
END;
