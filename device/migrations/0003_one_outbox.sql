-- Schema version 3: one outbox for everything a family records. Logs had the `outbox` table; goal check-ins
-- were queued as `records` rows (`check_in_outbox`, and `check_in_rejected` once refused). Now every kind
-- waits in one table, keyed by its kind (the push request's array it travels in: `logs`, `check_ins`) and
-- id, holding the very version to send, so a new kind of recorded thing needs no queue of its own.
CREATE TABLE outbox_v3 (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    hlc_wall INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL,
    doc TEXT NOT NULL,
    rejected_reason TEXT,
    rejected_field TEXT,
    rejected_message TEXT,
    PRIMARY KEY (kind, id)
);

-- Logs: the version to send is the one in `logs` (a queued version is always the log's current one).
INSERT INTO outbox_v3 (kind, id, hlc_wall, hlc_counter, doc, rejected_reason, rejected_field, rejected_message)
SELECT 'logs', o.log_id, l.hlc_wall, l.hlc_counter, l.doc, o.rejected_reason, o.rejected_field, o.rejected_message
FROM outbox o JOIN logs l ON l.id = o.log_id;

-- Check-ins still waiting for the server.
INSERT INTO outbox_v3 (kind, id, hlc_wall, hlc_counter, doc)
SELECT 'check_ins', id, json_extract(doc, '$.hlc.wall_ms'), json_extract(doc, '$.hlc.counter'), doc
FROM records WHERE entity = 'check_in_outbox';

-- Check-ins the server refused (the reason was not kept then), unless a newer answer already waits.
INSERT INTO outbox_v3 (kind, id, hlc_wall, hlc_counter, doc, rejected_reason, rejected_message)
SELECT 'check_ins', id, json_extract(doc, '$.hlc.wall_ms'), json_extract(doc, '$.hlc.counter'), doc,
       'invalid', 'the clinic did not accept this answer'
FROM records WHERE entity = 'check_in_rejected'
ON CONFLICT (kind, id) DO NOTHING;

DELETE FROM records WHERE entity IN ('check_in_outbox', 'check_in_rejected');
DROP TABLE outbox;
ALTER TABLE outbox_v3 RENAME TO outbox;
CREATE INDEX outbox_kind_order ON outbox (kind, hlc_wall, hlc_counter);
