-- frontdesk schema 5: the callback queue (domain.md steps 13–17).
-- Append-only: never edit a migration that has shipped; add the next one.

-- The callbacks table is rebuilt: its kind and status checks grow, and a
-- rule-made row carries the key of its reason, unique, so the rules can run
-- any number of times and make each call once. Rows made before (no key)
-- are kept as they were.
CREATE TABLE callbacks_v5 (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    vehicle_id   INTEGER REFERENCES vehicles(id),
    ro_id        INTEGER REFERENCES repair_orders(id),
    kind         TEXT NOT NULL CHECK (kind IN ('three_day_call','second_call','life_cycle','maintenance_due','first_maintenance','parts_arrived','campaign','recall','declined_work','lost_customer','complaint_followup','appointment_reminder','insurance_renewal')),
    rule_key     TEXT UNIQUE,
    -- The window the rule gives; a retry moves only retry_at.
    due_at       TEXT NOT NULL,
    due_until    TEXT NOT NULL,
    retry_at     TEXT,
    priority     INTEGER NOT NULL DEFAULT 3,
    reason       TEXT NOT NULL DEFAULT '',
    topic        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','unreachable','cancelled','do_not_contact')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    unanswered   INTEGER NOT NULL DEFAULT 0,
    outcome      TEXT NOT NULL DEFAULT '',
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    appointment_obtained INTEGER,
    notes        TEXT NOT NULL DEFAULT '',
    -- Taking a callback claims it, so two agents never call one customer.
    claimed_by   TEXT,
    claimed_at   TEXT,
    assigned_to  INTEGER REFERENCES users(id),
    done_at      TEXT,
    created_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
INSERT INTO callbacks_v5 (id, customer_id, vehicle_id, ro_id, kind, due_at, due_until,
    status, attempts, outcome, satisfaction, appointment_obtained, notes, assigned_to,
    done_at, created_at, version, priority)
SELECT id, customer_id, vehicle_id, ro_id, kind, due_on || ' 00:00:00+00:00',
    date(due_on, '+7 days') || ' 00:00:00+00:00',
    CASE status WHEN 'failed' THEN 'unreachable' ELSE status END,
    attempts, outcome, satisfaction, appointment_obtained, notes, assigned_to,
    done_at, created_at, version, 3
FROM callbacks;
DROP TABLE callbacks;
ALTER TABLE callbacks_v5 RENAME TO callbacks;
CREATE INDEX callbacks_open ON callbacks(status, due_at);
CREATE INDEX callbacks_customer ON callbacks(customer_id, status);
CREATE INDEX callbacks_ro ON callbacks(ro_id);

-- Every contact: the record of a call or a message, never the message.
CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    callback_id  INTEGER NOT NULL REFERENCES callbacks(id),
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    at           TEXT NOT NULL,
    by_login     TEXT NOT NULL,
    channel      TEXT NOT NULL CHECK (channel IN ('phone','sms','wechat')),
    outcome      TEXT NOT NULL CHECK (outcome IN ('reached','no_answer','call_back','wrong_number','do_not_contact')),
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    call_back_at TEXT,
    appointment_requested INTEGER NOT NULL DEFAULT 0,
    notes        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contacts_customer ON contacts(customer_id, at);
CREATE INDEX contacts_callback ON contacts(callback_id);

-- The customer's wishes about being called (002, step 14).
ALTER TABLE customers ADD COLUMN do_not_contact INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN preferred_time TEXT NOT NULL DEFAULT '';
ALTER TABLE vehicles ADD COLUMN insurance_due_on TEXT;

-- Complaints: reply-by, who opened it and from where, the resolution.
ALTER TABLE complaints ADD COLUMN vehicle_id INTEGER REFERENCES vehicles(id);
ALTER TABLE complaints ADD COLUMN reply_by TEXT;
ALTER TABLE complaints ADD COLUMN source TEXT NOT NULL DEFAULT 'desk';
ALTER TABLE complaints ADD COLUMN opened_by TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
UPDATE complaints SET reply_by = datetime(received_at, '+2 days') WHERE reply_by IS NULL;
CREATE INDEX complaints_customer ON complaints(customer_id, status);

-- Parts ordered for a customer whose car is not in the shop (003).
CREATE TABLE part_orders (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    vehicle_id   INTEGER REFERENCES vehicles(id),
    ro_id        INTEGER REFERENCES repair_orders(id),
    part_number  TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL,
    ordered_at   TEXT NOT NULL,
    arrived_at   TEXT,
    collected_at TEXT
);
CREATE INDEX part_orders_customer ON part_orders(customer_id);

-- Recalls and service campaigns, with the VINs the manufacturer listed.
CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    recall     INTEGER NOT NULL DEFAULT 1,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE campaign_vins (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    vin         TEXT NOT NULL,
    PRIMARY KEY (campaign_id, vin)
);
CREATE INDEX campaign_vins_vin ON campaign_vins(vin);

INSERT OR IGNORE INTO settings (key, value) VALUES
    ('quiet_hours', '21:00-09:00'),
    ('default_daily_km', '40'),
    ('service_interval_km', '5000'),
    ('service_interval_months', '6'),
    ('callback_max_tries', '3');
