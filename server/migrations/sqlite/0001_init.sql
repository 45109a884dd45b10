-- homeplay clinic server schema (SQLite). Times are milliseconds since the Unix epoch (BIGINT).
-- Records whose shape belongs to homeplay-core are stored whole as JSON (`doc`), with the columns that
-- queries filter on beside it.

CREATE TABLE clinics (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);

CREATE TABLE therapists (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    email TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX therapists_clinic ON therapists (clinic_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    therapist_id TEXT NOT NULL REFERENCES therapists (id),
    csrf_token TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL
);
CREATE INDEX sessions_therapist ON sessions (therapist_id);

CREATE TABLE families (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    doc TEXT NOT NULL,
    -- The family's change-feed counter. Writers take it with UPDATE … RETURNING as their first statement;
    -- SQLite has one writer at a time, so sequence numbers are handed out in commit order and a pull never skips.
    feed_seq BIGINT NOT NULL DEFAULT 0,
    created_ms BIGINT NOT NULL
);
CREATE INDEX families_clinic ON families (clinic_id);

CREATE TABLE children (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    family_id TEXT NOT NULL REFERENCES families (id),
    doc TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX children_clinic ON children (clinic_id);
CREATE INDEX children_family ON children (family_id);

CREATE TABLE caregivers (
    id TEXT PRIMARY KEY,
    family_id TEXT NOT NULL REFERENCES families (id),
    doc TEXT NOT NULL
);
CREATE INDEX caregivers_family ON caregivers (family_id);

-- A clinic's own exercises; the built-in library ships inside the binary.
CREATE TABLE exercises (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    doc TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX exercises_clinic ON exercises (clinic_id);

CREATE TABLE routines (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    doc TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX routines_clinic ON routines (clinic_id);

CREATE TABLE assignments (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    child_id TEXT NOT NULL REFERENCES children (id),
    doc TEXT NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX assignments_child ON assignments (child_id);

CREATE TABLE assignment_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id TEXT NOT NULL REFERENCES assignments (id),
    therapist_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    action TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX assignment_history_assignment ON assignment_history (assignment_id, id);

CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    family_id TEXT NOT NULL REFERENCES families (id),
    token_hash TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    paired_ms BIGINT NOT NULL,
    last_seen_ms BIGINT,
    revoked_ms BIGINT
);
CREATE INDEX devices_family ON devices (family_id);

CREATE TABLE pairing_codes (
    code_hash TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    family_id TEXT NOT NULL REFERENCES families (id),
    created_by TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    used_ms BIGINT,
    device_id TEXT
);

CREATE TABLE logs (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    family_id TEXT NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (id),
    assignment_id TEXT NOT NULL,
    exercise_id TEXT NOT NULL,
    occ_date TEXT NOT NULL,
    slot INTEGER NOT NULL,
    hlc_wall BIGINT NOT NULL,
    hlc_counter BIGINT NOT NULL,
    device_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    received_ms BIGINT NOT NULL
);
CREATE INDEX logs_child_date ON logs (child_id, occ_date);

CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    child_id TEXT NOT NULL REFERENCES children (id),
    doc TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX feedback_child ON feedback (child_id);

CREATE TABLE media (
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    data BLOB NOT NULL,
    created_ms BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, sha256)
);

-- One row per record a family's devices must hold, at the sequence number of its latest change.
-- `doc` is the change as sent; NULL for logs, which are read from `logs` so they are not stored twice.
CREATE TABLE feed (
    family_id TEXT NOT NULL REFERENCES families (id),
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    doc TEXT,
    PRIMARY KEY (family_id, entity, entity_id)
);
CREATE UNIQUE INDEX feed_family_seq ON feed (family_id, seq);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    clinic_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    child_id TEXT,
    detail TEXT NOT NULL,
    ip TEXT
);
CREATE INDEX audit_clinic ON audit (clinic_id, id);

CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    window_start_ms BIGINT NOT NULL,
    hits BIGINT NOT NULL
);
