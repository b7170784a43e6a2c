-- The vehicle-items checklist (steps 5 and 11): each phase's list has a
-- header with its version and the customer's signature; entries gain what
-- the walk-around and the joint check at delivery need. Keys get a holder
-- and a history of hand-overs. The cabinet's hooks are a setting.

ALTER TABLE checklist_entries ADD COLUMN valid INTEGER NOT NULL DEFAULT 1;
ALTER TABLE checklist_entries ADD COLUMN damage_kind TEXT
    CHECK (damage_kind IN ('scratch','dent','crack','chip','missing','stain','tear'));
ALTER TABLE checklist_entries ADD COLUMN severity INTEGER CHECK (severity BETWEEN 1 AND 3);
ALTER TABLE checklist_entries ADD COLUMN checked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE checklist_entries ADD COLUMN explanation TEXT NOT NULL DEFAULT '';
ALTER TABLE checklist_entries ADD COLUMN sort INTEGER NOT NULL DEFAULT 0;
CREATE INDEX checklist_ro_phase ON checklist_entries(ro_id, phase, sort);

CREATE TABLE checklists (
    ro_id           INTEGER NOT NULL REFERENCES repair_orders(id),
    phase           TEXT NOT NULL CHECK (phase IN ('check_in','delivery')),
    version         INTEGER NOT NULL DEFAULT 1,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    updated_at      TEXT NOT NULL,
    updated_by      INTEGER REFERENCES users(id),
    PRIMARY KEY (ro_id, phase)
);

ALTER TABLE key_tags ADD COLUMN holder TEXT NOT NULL DEFAULT 'advisor'
    CHECK (holder IN ('advisor','cabinet','workshop','wash','cashier','customer'));
CREATE INDEX key_tags_ro ON key_tags(ro_id);

CREATE TABLE key_moves (
    id         INTEGER PRIMARY KEY,
    key_tag_id INTEGER NOT NULL REFERENCES key_tags(id),
    holder     TEXT NOT NULL CHECK (holder IN ('advisor','cabinet','workshop','wash','cashier','customer')),
    person     TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL,
    by_user    INTEGER REFERENCES users(id)
);
CREATE INDEX key_moves_tag ON key_moves(key_tag_id);

INSERT OR IGNORE INTO settings (key, value) VALUES ('key_hook_first', '1'), ('key_hook_last', '200');
