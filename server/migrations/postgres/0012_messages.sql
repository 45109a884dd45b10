-- Two-way messages in a child's thread. A caregiver's message is pushed by a device with an id it made; a
-- therapist's is made by the server, once per `client_key` the dashboard sends (a double click sends one key
-- twice). Ids are UUIDv7, so the thread is read in id order. Messages are never edited.
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    child_id TEXT NOT NULL REFERENCES children (id),
    side TEXT NOT NULL,
    client_key TEXT,
    doc TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX messages_child ON messages (child_id, id);
-- NULL keys (the family's messages) never clash with each other in either database.
CREATE UNIQUE INDEX messages_client_key ON messages (child_id, client_key);

-- How far each side has read a child's thread: the furthest mark only (`up_to`, a message id), which never
-- moves back.
CREATE TABLE message_reads (
    child_id TEXT NOT NULL REFERENCES children (id),
    side TEXT NOT NULL,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    up_to TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (child_id, side)
);
