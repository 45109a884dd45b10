-- Care teams and therapy goals.
--
-- A child's care team: the therapists who work with the child, each with the discipline they bring and a role.
-- Access to a child's record follows the team; other therapists of the clinic get in only when the clinic's
-- policy (`clinics.outside_team_policy`) is `clinic_wide`, and each such access is audited.
ALTER TABLE clinics ADD COLUMN outside_team_policy TEXT NOT NULL DEFAULT 'team_only';

CREATE TABLE care_team_members (
    child_id TEXT NOT NULL REFERENCES children (id),
    therapist_id TEXT NOT NULL REFERENCES therapists (id),
    discipline TEXT NOT NULL,
    role TEXT NOT NULL,
    added_ms BIGINT NOT NULL,
    PRIMARY KEY (child_id, therapist_id)
);
CREATE INDEX care_team_members_therapist ON care_team_members (therapist_id);

-- Upgrading must lock nobody out of a child they worked with. Everyone who assigned or changed something in a
-- child's program joins the child's team; whoever did so first leads it.
INSERT INTO care_team_members (child_id, therapist_id, discipline, role, added_ms)
SELECT a.child_id, h.therapist_id, json_extract(t.doc, '$.discipline'),
       CASE WHEN MIN(h.at_ms) = (SELECT MIN(h2.at_ms) FROM assignment_history h2
                                 JOIN assignments a2 ON a2.id = h2.assignment_id
                                 WHERE a2.child_id = a.child_id)
            THEN 'lead' ELSE 'member' END,
       MIN(h.at_ms)
FROM assignment_history h
JOIN assignments a ON a.id = h.assignment_id
JOIN therapists t ON t.id = h.therapist_id AND t.clinic_id = a.clinic_id
GROUP BY a.child_id, h.therapist_id, t.doc;

-- A child with no program yet: the clinic's admins lead the team (and can hand it on).
INSERT INTO care_team_members (child_id, therapist_id, discipline, role, added_ms)
SELECT c.id, t.id, json_extract(t.doc, '$.discipline'), 'lead', c.created_ms
FROM children c JOIN therapists t ON t.clinic_id = c.clinic_id
WHERE json_extract(t.doc, '$.role') = 'admin'
  AND NOT EXISTS (SELECT 1 FROM care_team_members m WHERE m.child_id = c.id);

-- A clinic without admins: every therapist of the clinic leads the child's team, as everyone could see it before.
INSERT INTO care_team_members (child_id, therapist_id, discipline, role, added_ms)
SELECT c.id, t.id, json_extract(t.doc, '$.discipline'), 'lead', c.created_ms
FROM children c JOIN therapists t ON t.clinic_id = c.clinic_id
WHERE NOT EXISTS (SELECT 1 FROM care_team_members m WHERE m.child_id = c.id);

-- Goals: the current version in `goals`, every version (the first included) in `goal_versions`. Nothing is
-- deleted: a met, changed or dropped goal keeps its versions and reviews.
CREATE TABLE goals (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    child_id TEXT NOT NULL REFERENCES children (id),
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    doc TEXT NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX goals_child ON goals (child_id);

CREATE TABLE goal_versions (
    goal_id TEXT NOT NULL REFERENCES goals (id),
    version BIGINT NOT NULL,
    therapist_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (goal_id, version)
);

CREATE TABLE goal_reviews (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    goal_id TEXT NOT NULL REFERENCES goals (id),
    child_id TEXT NOT NULL REFERENCES children (id),
    review_date TEXT NOT NULL,
    doc TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX goal_reviews_child ON goal_reviews (child_id, review_date);

-- Which goals each program item serves (the assignment's `goal_ids`, kept in step by every save).
CREATE TABLE assignment_goals (
    assignment_id TEXT NOT NULL REFERENCES assignments (id),
    goal_id TEXT NOT NULL REFERENCES goals (id),
    PRIMARY KEY (assignment_id, goal_id)
);
CREATE INDEX assignment_goals_goal ON assignment_goals (goal_id);
