-- The logs whose current version reports pain (a "yes" or a score above 0, not undone), one row each, kept by
-- push_logs in the same transaction as the logs: the pain flag stays until a therapist marks it seen, however
-- old the report, and this keeps finding it as cheap as the per-day rollup rather than a scan of every log.
-- reported_ms is when the server received the report (or its last change of score), so a report that arrives
-- after a therapist marked the child's pain seen raises the flag again, whatever the device's clock said.
CREATE TABLE pain_reports (
    log_id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL,
    occ_date TEXT NOT NULL,
    score BIGINT,
    reported_ms BIGINT NOT NULL
);
CREATE INDEX pain_reports_child ON pain_reports (child_id, reported_ms);

-- Up to when a therapist has seen a child's pain reports: the last mark wins.
CREATE TABLE pain_seen (
    child_id TEXT PRIMARY KEY,
    seen_ms BIGINT NOT NULL,
    therapist_id TEXT NOT NULL
);

INSERT INTO pain_reports (log_id, child_id, occ_date, score, reported_ms)
SELECT id, child_id, occ_date, NULL, received_ms FROM logs
WHERE COALESCE(json_extract(doc, '$.pain'), 0) = 1 AND COALESCE(json_extract(doc, '$.undone'), 0) = 0;
