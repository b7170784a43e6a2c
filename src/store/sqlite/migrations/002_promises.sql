-- frontdesk schema 2: the repair order keeps its promises (domain.md steps 4, 6–11).
-- Append-only: never edit a migration that has shipped; add the next one.

-- One call to the customer decides each proposed item (step 7). The old
-- per-request columns of added_work_requests stay for history.
CREATE TABLE added_work_calls (
    id               INTEGER PRIMARY KEY,
    ro_id            INTEGER NOT NULL REFERENCES repair_orders(id),
    asked_at         TEXT NOT NULL,
    answered_at      TEXT NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('phone','in_person','message')),
    workshop_told    TEXT NOT NULL,
    workshop_told_at TEXT NOT NULL,
    delay_minutes    INTEGER NOT NULL DEFAULT 0 CHECK (delay_minutes >= 0),
    recorded_at      TEXT NOT NULL,
    recorded_by      INTEGER REFERENCES users(id)
);
CREATE INDEX added_work_calls_ro ON added_work_calls(ro_id);
ALTER TABLE ro_lines ADD COLUMN call_id INTEGER REFERENCES added_work_calls(id);

-- What the workshop said when asked about progress (step 8).
CREATE TABLE progress_checks (
    id            INTEGER PRIMARY KEY,
    ro_id         INTEGER NOT NULL REFERENCES repair_orders(id),
    at            TEXT NOT NULL,
    user_id       INTEGER REFERENCES users(id),
    on_time       INTEGER NOT NULL,
    new_finish_at TEXT,
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX progress_checks_ro ON progress_checks(ro_id);
-- A late workshop's new finish time; the promise itself moves only with the
-- customer's agreement (added work).
ALTER TABLE repair_orders ADD COLUMN expected_finish_at TEXT;

-- The final quality check before delivery.
CREATE TABLE quality_checks (
    id       INTEGER PRIMARY KEY,
    ro_id    INTEGER NOT NULL REFERENCES repair_orders(id),
    at       TEXT NOT NULL,
    user_id  INTEGER REFERENCES users(id),
    passed   INTEGER NOT NULL,
    findings TEXT NOT NULL DEFAULT ''
);
CREATE INDEX quality_checks_ro ON quality_checks(ro_id);
-- The check that covers the work as it stands (cleared when work resumes).
ALTER TABLE repair_orders ADD COLUMN qc_passed_at TEXT;
ALTER TABLE repair_orders ADD COLUMN qc_passed_by TEXT;

-- Dispatch without the customer's signature: a manager, with the reason.
ALTER TABLE repair_orders ADD COLUMN dispatch_override_by TEXT;
ALTER TABLE repair_orders ADD COLUMN dispatch_override_at TEXT;
ALTER TABLE repair_orders ADD COLUMN dispatch_override_reason TEXT;

-- Money still owed at delivery, accepted as arrears by a manager or cashier.
ALTER TABLE repair_orders ADD COLUMN arrears_accepted_minor INTEGER;
ALTER TABLE repair_orders ADD COLUMN arrears_accepted_by TEXT;
ALTER TABLE repair_orders ADD COLUMN arrears_accepted_at TEXT;
ALTER TABLE repair_orders ADD COLUMN arrears_reason TEXT;

-- A delivered RO is closed. A manager may reopen it, with a reason, for one
-- correction; the payments stay as they were.
ALTER TABLE repair_orders ADD COLUMN reopened_at TEXT;
ALTER TABLE repair_orders ADD COLUMN reopened_by TEXT;
ALTER TABLE repair_orders ADD COLUMN reopen_reason TEXT;
ALTER TABLE repair_orders ADD COLUMN corrected_at TEXT;
