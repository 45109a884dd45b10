-- Each therapist's favourite exercises, for the Library's and the builder's "My favourites". An exercise is
-- a built-in (its id is derived from its slug) or one of the clinic's own, so there is no foreign key.
CREATE TABLE exercise_favourites (
    therapist_id TEXT NOT NULL,
    exercise_id TEXT NOT NULL,
    added_ms BIGINT NOT NULL,
    PRIMARY KEY (therapist_id, exercise_id)
);
-- "Recently used": the assignments a therapist made, newest first.
CREATE INDEX assignment_history_therapist ON assignment_history (therapist_id, at_ms);
