-- Invitations: an admin invites a therapist, who sets their own password through a first-sign-in link. The
-- link holds a random 256-bit token; only its SHA-256 is kept. It works once (`used_ms`), until `expires_ms`;
-- a newer invitation of the same therapist replaces any unused one.
CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    therapist_id TEXT NOT NULL REFERENCES therapists (id),
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    used_ms BIGINT
);
CREATE INDEX invitations_therapist ON invitations (therapist_id);
