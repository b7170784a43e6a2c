-- frontdesk schema 1: the whole front-desk domain (domain.md).
-- Append-only: never edit a migration that has shipped; add the next one.
-- Times are UTC text (rusqlite's chrono format). Money is integer minor units.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    login      TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('advisor','dispatcher','customer_care','cashier','manager','technician')),
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE work_groups (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    lead    TEXT NOT NULL DEFAULT '',
    skills  TEXT NOT NULL DEFAULT '',
    active  INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE bays (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('lift','alignment','body_paint','quick','wash')),
    capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity > 0),
    sort     INTEGER NOT NULL DEFAULT 0,
    active   INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE customers (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    phone             TEXT NOT NULL DEFAULT '',
    phone2            TEXT NOT NULL DEFAULT '',
    email             TEXT NOT NULL DEFAULT '',
    wechat            TEXT NOT NULL DEFAULT '',
    -- Some customers prefer messages to calls (002).
    preferred_contact TEXT NOT NULL DEFAULT 'phone' CHECK (preferred_contact IN ('phone','sms','wechat','email')),
    address           TEXT NOT NULL DEFAULT '',
    wishes            TEXT NOT NULL DEFAULT '',
    notes             TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX customers_phone ON customers(phone);
CREATE INDEX customers_name ON customers(name);

CREATE TABLE vehicles (
    id                   INTEGER PRIMARY KEY,
    vin                  TEXT NOT NULL DEFAULT '',
    vin_override_reason  TEXT,
    plate                TEXT NOT NULL DEFAULT '',
    plate_norm           TEXT NOT NULL DEFAULT '',
    make                 TEXT NOT NULL DEFAULT '',
    model                TEXT NOT NULL DEFAULT '',
    year                 INTEGER,
    colour               TEXT NOT NULL DEFAULT '',
    purchased_on         TEXT,
    -- Maintenance cycle, for reminders by date or mileage (003).
    service_interval_km     INTEGER,
    service_interval_months INTEGER,
    next_service_due_on     TEXT,
    next_service_due_km     INTEGER,
    last_odometer_km     INTEGER,
    last_odometer_at     TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX vehicles_plate_norm ON vehicles(plate_norm);
CREATE INDEX vehicles_vin ON vehicles(vin);

-- A customer can own several cars, and a car can change owner.
CREATE TABLE vehicle_owners (
    vehicle_id  INTEGER NOT NULL REFERENCES vehicles(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    since       TEXT NOT NULL,
    until       TEXT,
    PRIMARY KEY (vehicle_id, customer_id, since)
);
CREATE INDEX vehicle_owners_customer ON vehicle_owners(customer_id);

CREATE TABLE appointments (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers(id),
    vehicle_id      INTEGER REFERENCES vehicles(id),
    advisor_id      INTEGER REFERENCES users(id),
    bay_id          INTEGER REFERENCES bays(id),
    starts_at       TEXT NOT NULL,
    ends_at         TEXT NOT NULL,
    requested_work  TEXT NOT NULL DEFAULT '',
    -- High-value parts are ordered against a deposit of at least half their price (step 1).
    parts_value_minor   INTEGER NOT NULL DEFAULT 0,
    deposit_minor       INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked','confirmed','arrived','no_show','cancelled')),
    workshop_told_at TEXT,
    reminded_at     TEXT,
    created_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX appointments_starts ON appointments(starts_at);

CREATE TABLE repair_orders (
    id                   INTEGER PRIMARY KEY,
    number               TEXT NOT NULL UNIQUE,
    vehicle_id           INTEGER NOT NULL REFERENCES vehicles(id),
    customer_id          INTEGER NOT NULL REFERENCES customers(id),
    appointment_id       INTEGER REFERENCES appointments(id),
    advisor_id           INTEGER REFERENCES users(id),
    work_group_id        INTEGER REFERENCES work_groups(id),
    bay_id               INTEGER REFERENCES bays(id),
    status               TEXT NOT NULL CHECK (status IN ('booked','checked_in','waiting_for_bay','in_bay','waiting_for_parts','awaiting_approval','quality_check','washing','ready_for_pickup','delivered','declined','cancelled')),
    category             TEXT NOT NULL DEFAULT 'maintenance' CHECK (category IN ('maintenance','repair','accident_insurance','warranty','recall_campaign','accessories')),
    pricing_method       TEXT NOT NULL DEFAULT 'system' CHECK (pricing_method IN ('system','symptom','item')),
    odometer_in_km       INTEGER,
    odometer_override_reason TEXT,
    fuel_eighths         INTEGER CHECK (fuel_eighths BETWEEN 0 AND 8),
    concerns             TEXT NOT NULL DEFAULT '',
    diagnosis            TEXT NOT NULL DEFAULT '',
    customer_waiting     INTEGER NOT NULL DEFAULT 0,
    wash_requested       INTEGER NOT NULL DEFAULT 1,
    covers_fitted        INTEGER NOT NULL DEFAULT 0,
    old_parts            TEXT NOT NULL DEFAULT 'undecided' CHECK (old_parts IN ('undecided','customer_keeps','dispose')),
    no_warranty_notice   INTEGER NOT NULL DEFAULT 0,
    discount_bp          INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    discount_approved_by INTEGER REFERENCES users(id),
    checked_in_at        TEXT,
    promised_at          TEXT,
    estimated_minutes    INTEGER CHECK (estimated_minutes >= 0),
    workshop_received_at TEXT,
    work_started_at      TEXT,
    progress_checked_at  TEXT,
    progress_checked_by  INTEGER REFERENCES users(id),
    pickup_called_at     TEXT,
    pickup_called_by     INTEGER REFERENCES users(id),
    late_reason          TEXT,
    ready_at             TEXT,
    signed_by_name       TEXT,
    signed_at            TEXT,
    exit_notice_at       TEXT,
    delivered_at         TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX repair_orders_status ON repair_orders(status);
CREATE INDEX repair_orders_vehicle ON repair_orders(vehicle_id);
CREATE INDEX repair_orders_customer ON repair_orders(customer_id);
CREATE INDEX repair_orders_delivered ON repair_orders(delivered_at);

-- Requests for added work found in the workshop (step 7): who asked, when,
-- the customer's answer, and who in the workshop was told.
CREATE TABLE added_work_requests (
    id               INTEGER PRIMARY KEY,
    ro_id            INTEGER NOT NULL REFERENCES repair_orders(id),
    proposed_at      TEXT NOT NULL,
    proposed_by      INTEGER REFERENCES users(id),
    asked_at         TEXT,
    answered_at      TEXT,
    decision         TEXT CHECK (decision IN ('approved','declined')),
    channel          TEXT CHECK (channel IN ('phone','in_person','message')),
    delay_minutes    INTEGER NOT NULL DEFAULT 0,
    workshop_told    TEXT,
    workshop_told_at TEXT,
    notes            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX added_work_ro ON added_work_requests(ro_id);

CREATE TABLE ro_lines (
    id               INTEGER PRIMARY KEY,
    ro_id            INTEGER NOT NULL REFERENCES repair_orders(id),
    sort             INTEGER NOT NULL DEFAULT 0,
    kind             TEXT NOT NULL CHECK (kind IN ('labour','part','fee')),
    op_code          TEXT NOT NULL DEFAULT '',
    part_number      TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',
    -- Quantities in thousandths (1.5 l = 1500). For labour the quantity is
    -- hours and the unit price the hourly rate; for a fee the quantity is 1.
    quantity_milli   INTEGER NOT NULL DEFAULT 1000 CHECK (quantity_milli > 0),
    unit_price_minor INTEGER NOT NULL DEFAULT 0 CHECK (unit_price_minor >= 0),
    payer            TEXT NOT NULL DEFAULT 'customer' CHECK (payer IN ('customer','warranty','insurer')),
    supplier         TEXT NOT NULL DEFAULT 'shop' CHECK (supplier IN ('shop','customer')),
    grade            TEXT NOT NULL DEFAULT 'oem' CHECK (grade IN ('oem','aftermarket')),
    critical_system  INTEGER NOT NULL DEFAULT 0,
    approval         TEXT NOT NULL DEFAULT 'original' CHECK (approval IN ('original','proposed','approved','declined')),
    added_work_id    INTEGER REFERENCES added_work_requests(id)
);
CREATE INDEX ro_lines_ro ON ro_lines(ro_id);

CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    ro_id        INTEGER NOT NULL REFERENCES repair_orders(id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    method       TEXT NOT NULL DEFAULT 'cash',
    paid_at      TEXT NOT NULL,
    user_id      INTEGER REFERENCES users(id)
);
CREATE INDEX payments_ro ON payments(ro_id);

-- Check-in and delivery checklist (step 5): documents, belongings, tools,
-- walk-around damage, warning lights, protective covers.
CREATE TABLE checklist_entries (
    id          INTEGER PRIMARY KEY,
    ro_id       INTEGER NOT NULL REFERENCES repair_orders(id),
    phase       TEXT NOT NULL CHECK (phase IN ('check_in','delivery')),
    category    TEXT NOT NULL CHECK (category IN ('document','belonging','tool','damage','warning_light','cover','other')),
    item        TEXT NOT NULL,
    present     INTEGER NOT NULL DEFAULT 1,
    quantity    INTEGER NOT NULL DEFAULT 1,
    note        TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users(id)
);
CREATE INDEX checklist_ro ON checklist_entries(ro_id);

CREATE TABLE key_tags (
    id          INTEGER PRIMARY KEY,
    tag         TEXT NOT NULL,
    ro_id       INTEGER NOT NULL REFERENCES repair_orders(id),
    issued_at   TEXT NOT NULL,
    returned_at TEXT
);
-- A tag number hangs on one hook: only one open use at a time.
CREATE UNIQUE INDEX key_tags_in_use ON key_tags(tag) WHERE returned_at IS NULL;

CREATE TABLE callbacks (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    vehicle_id   INTEGER REFERENCES vehicles(id),
    ro_id        INTEGER REFERENCES repair_orders(id),
    kind         TEXT NOT NULL CHECK (kind IN ('three_day_call','second_call','life_cycle','maintenance_due','first_maintenance','parts_arrived','campaign','recall','declined_work','lost_customer','complaint_followup','appointment_reminder')),
    due_on       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','failed','cancelled')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    outcome      TEXT NOT NULL DEFAULT '',
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    appointment_obtained INTEGER,
    notes        TEXT NOT NULL DEFAULT '',
    assigned_to  INTEGER REFERENCES users(id),
    done_at      TEXT,
    created_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX callbacks_due ON callbacks(status, due_on);

CREATE TABLE complaints (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers(id),
    ro_id           INTEGER REFERENCES repair_orders(id),
    received_at     TEXT NOT NULL,
    description     TEXT NOT NULL,
    answer          TEXT NOT NULL DEFAULT '',
    satisfied       INTEGER,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','escalated','resolved','closed')),
    -- Unresolved after the call: to the manager within 2 days (step 13).
    escalated_at    TEXT,
    resolved_at     TEXT,
    recontact_due   TEXT,
    owner_id        INTEGER REFERENCES users(id),
    version         INTEGER NOT NULL DEFAULT 1
);

-- Standard jobs an advisor picks by op code (assets/canned_jobs.toml seeds it).
CREATE TABLE canned_jobs (
    id          INTEGER PRIMARY KEY,
    op_code     TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    hours_milli INTEGER NOT NULL DEFAULT 1000 CHECK (hours_milli > 0),
    category    TEXT NOT NULL DEFAULT 'maintenance'
);

-- Autosaved unsaved work, so a dropped link loses at most a second.
CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY,
    user_login TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER,
    base_version INTEGER,
    payload    TEXT NOT NULL,
    saved_at   TEXT NOT NULL,
    UNIQUE (user_login, entity, entity_id)
);

-- Every change: who, when, what. The application never rewrites it.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_login TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
