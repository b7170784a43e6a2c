-- frontdesk schema 6: the appointment book (F6), customer files (F7), and
-- one substring index for search from anywhere.

-- A work group's hands: its capacity per hour of the working day.
ALTER TABLE work_groups ADD COLUMN technicians INTEGER NOT NULL DEFAULT 2 CHECK (technicians > 0);

-- The book: which group the job is booked with, the RO it became, and the
-- words behind a cancellation or an accepted overbooking.
ALTER TABLE appointments ADD COLUMN work_group_id INTEGER REFERENCES work_groups(id);
ALTER TABLE appointments ADD COLUMN ro_id INTEGER REFERENCES repair_orders(id);
ALTER TABLE appointments ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE appointments ADD COLUMN overbooked_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE appointments ADD COLUMN booked_by INTEGER REFERENCES users(id);
CREATE INDEX appointments_customer ON appointments(customer_id);
CREATE INDEX appointments_ro ON appointments(ro_id);
CREATE INDEX appointments_active ON appointments(starts_at) WHERE status IN ('booked', 'confirmed');

-- The customer file (step 12): membership, points, and where a merged
-- duplicate went (its row stays, so old audit lines still name it).
ALTER TABLE customers ADD COLUMN membership TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN points INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN merged_into INTEGER REFERENCES customers(id);

-- Search from anywhere: one trigram index over what people type to find a
-- car or a customer. rowid = id * 2 for a customer, id * 2 + 1 for a car,
-- so a trigger finds its row without a lookup. Phones are kept as digits,
-- plates in their normal form (no spaces or dots, upper case).
CREATE VIRTUAL TABLE search_index USING fts5(body, tokenize = 'trigram');

CREATE TRIGGER search_customer_insert AFTER INSERT ON customers BEGIN
    INSERT INTO search_index (rowid, body) VALUES (new.id * 2,
        new.name || ' ' || replace(replace(replace(new.phone, ' ', ''), '-', ''), '+', '')
        || ' ' || replace(replace(replace(new.phone2, ' ', ''), '-', ''), '+', ''));
END;
CREATE TRIGGER search_customer_update AFTER UPDATE OF name, phone, phone2, merged_into ON customers BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 2;
    INSERT INTO search_index (rowid, body) SELECT new.id * 2,
        new.name || ' ' || replace(replace(replace(new.phone, ' ', ''), '-', ''), '+', '')
        || ' ' || replace(replace(replace(new.phone2, ' ', ''), '-', ''), '+', '')
        WHERE new.merged_into IS NULL;
END;
CREATE TRIGGER search_customer_delete AFTER DELETE ON customers BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 2;
END;
CREATE TRIGGER search_vehicle_insert AFTER INSERT ON vehicles BEGIN
    INSERT INTO search_index (rowid, body) VALUES (new.id * 2 + 1, new.plate_norm || ' ' || new.vin);
END;
CREATE TRIGGER search_vehicle_update AFTER UPDATE OF plate_norm, vin ON vehicles BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 2 + 1;
    INSERT INTO search_index (rowid, body) VALUES (new.id * 2 + 1, new.plate_norm || ' ' || new.vin);
END;
CREATE TRIGGER search_vehicle_delete AFTER DELETE ON vehicles BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 2 + 1;
END;

INSERT INTO search_index (rowid, body)
    SELECT id * 2, name || ' ' || replace(replace(replace(phone, ' ', ''), '-', ''), '+', '')
        || ' ' || replace(replace(replace(phone2, ' ', ''), '-', ''), '+', '')
    FROM customers;
INSERT INTO search_index (rowid, body) SELECT id * 2 + 1, plate_norm || ' ' || vin FROM vehicles;

-- A customer's cars now, found from the customer without a scan.
CREATE INDEX vehicle_owners_current ON vehicle_owners(customer_id, vehicle_id) WHERE until IS NULL;
CREATE INDEX vehicle_owners_vehicle_current ON vehicle_owners(vehicle_id) WHERE until IS NULL;

INSERT OR IGNORE INTO settings (key, value) VALUES ('workshop_hours', '08:30-17:30');
