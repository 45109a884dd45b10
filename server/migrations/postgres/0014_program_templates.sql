-- A clinic's program templates: exercises with their own dosage, assigned to a child in one step. Dashboard
-- only (no device reads them); archived ones stay readable by id.
CREATE TABLE program_templates (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    doc TEXT NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX program_templates_clinic ON program_templates (clinic_id);
