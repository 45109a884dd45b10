-- Therapist accounts fit for a clinic: disabled accounts (sessions end, sign-in refused, history kept), a
-- temporary password that must be replaced at first sign-in, and two-factor sign-in (TOTP) with single-use
-- recovery codes stored as hashes; the clinic's policy says who must use it.
ALTER TABLE therapists ADD COLUMN disabled_ms BIGINT;
ALTER TABLE therapists ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
-- The TOTP secret (base32) once confirmed, and one being set up; the last time step used, so a code is
-- accepted once.
ALTER TABLE therapists ADD COLUMN totp_secret TEXT;
ALTER TABLE therapists ADD COLUMN totp_pending TEXT;
ALTER TABLE therapists ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE clinics ADD COLUMN two_factor_policy TEXT NOT NULL DEFAULT 'off';
CREATE TABLE recovery_codes (
    therapist_id TEXT NOT NULL REFERENCES therapists (id),
    code_hash TEXT NOT NULL,
    used_ms BIGINT,
    PRIMARY KEY (therapist_id, code_hash)
);
-- A password accepted, a second factor awaited: the challenge token's hash, for a few minutes.
CREATE TABLE login_challenges (
    token_hash TEXT PRIMARY KEY,
    therapist_id TEXT NOT NULL REFERENCES therapists (id),
    expires_ms BIGINT NOT NULL
);
