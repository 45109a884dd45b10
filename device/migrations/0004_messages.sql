-- Schema version 4: each child's thread with the clinic, readable offline. Both sides' messages as pulled,
-- and the family's own from the moment they are written (their row and their outbox entry are written in
-- one transaction). Ids are UUIDv7: a thread reads in id order.
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX messages_child ON messages (child_id, id);

-- How far each side has read a child's thread: the furthest mark known here, pulled or made on this device.
CREATE TABLE thread_reads (
    child_id TEXT NOT NULL,
    side TEXT NOT NULL,
    up_to TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (child_id, side)
);
