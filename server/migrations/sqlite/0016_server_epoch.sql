-- The database's epoch: one random UUID, made with the database and replaced by every restore from a backup.
-- Sync answers carry it; a device that sees it change knows the server lost what came after the backup, and
-- sends again everything it recorded (shared/PROTOCOL.md, "Server epoch"). A UUIDv4 from SQLite's randomness.
CREATE TABLE server_epoch (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    epoch TEXT NOT NULL
);
INSERT INTO server_epoch (only_row, epoch) VALUES (1,
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2)
    || '-' || substr('89ab', 1 + abs(random() % 4), 1) || substr(lower(hex(randomblob(2))), 2)
    || '-' || lower(hex(randomblob(6))));
