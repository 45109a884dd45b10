-- Per child and local date, how many of the child's logs count (are not undone). The dashboard reads RTM
-- data days and "last logged" from here, so a child's page costs the same whatever the length of the history.
-- Kept by push_logs in the same transaction as the logs.
CREATE TABLE log_days (
    child_id TEXT NOT NULL,
    occ_date TEXT NOT NULL,
    logs BIGINT NOT NULL,
    PRIMARY KEY (child_id, occ_date)
);

INSERT INTO log_days (child_id, occ_date, logs)
SELECT child_id, occ_date, SUM(CASE WHEN json_extract(doc, '$.undone') THEN 0 ELSE 1 END)
FROM logs GROUP BY child_id, occ_date;
