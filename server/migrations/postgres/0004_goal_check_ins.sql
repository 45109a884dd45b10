-- The family's weekly answers about goals, pushed by devices: one row per check-in id holding its newest
-- version by HLC. goal_id has no foreign key so the goals tables can be rebuilt without these rows; the push
-- handler checks that the goal is the child's before anything is written.
CREATE TABLE goal_check_ins (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    child_id TEXT NOT NULL REFERENCES children (id),
    goal_id TEXT NOT NULL,
    hlc_wall BIGINT NOT NULL,
    hlc_counter BIGINT NOT NULL,
    doc TEXT NOT NULL,
    received_ms BIGINT NOT NULL
);
CREATE INDEX goal_check_ins_child ON goal_check_ins (child_id);
