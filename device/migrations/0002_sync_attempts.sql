-- Schema version 2: remember sync attempts, so that status survives a restart and backoff resumes.
CREATE TABLE sync_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
ALTER TABLE outbox ADD COLUMN rejected_field TEXT;
