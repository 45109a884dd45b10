-- homeplay device database, schema version 1.

-- Small named values: pairing, cursor, clock, who is using the device.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The family's program as pulled from the clinic: one row per record, the whole record as JSON.
CREATE TABLE records (
    entity TEXT NOT NULL,
    id TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (entity, id)
);

-- The current version of every log the device knows, its own and other caregivers'.
CREATE TABLE logs (
    id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL,
    occ_date TEXT NOT NULL,
    hlc_wall INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX logs_child_date ON logs (child_id, occ_date);

-- Local versions not yet acknowledged by the server. A row stays until the server acks that same version
-- (a newer local edit replaces it), or is marked rejected and kept for the family to see.
CREATE TABLE outbox (
    log_id TEXT PRIMARY KEY,
    hlc_wall INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL,
    rejected_reason TEXT,
    rejected_message TEXT
);

-- Uploaded media the program shows, downloaded so everything works offline.
CREATE TABLE media (
    media TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL
);
