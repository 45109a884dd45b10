-- Rate limits as a sliding window: one row per counted attempt, under a key that is a hash (so an attacker's
-- long input never becomes a long row), purged once older than the window. Replaces the fixed windows of
-- rate_limits, whose rows were never purged and whose Retry-After could be wrong by a whole window.
DROP TABLE rate_limits;
CREATE TABLE rate_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (key, at_ms);
CREATE INDEX rate_events_at ON rate_events (at_ms);
