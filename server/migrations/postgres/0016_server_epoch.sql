-- The database's epoch: one random UUID, made with the database and replaced by every restore from a backup.
-- Sync answers carry it; a device that sees it change knows the server lost what came after the backup, and
-- sends again everything it recorded (shared/PROTOCOL.md, "Server epoch").
CREATE TABLE server_epoch (
    only_row BIGINT PRIMARY KEY CHECK (only_row = 1),
    epoch TEXT NOT NULL
);
INSERT INTO server_epoch (only_row, epoch) VALUES (1, gen_random_uuid()::text);
