-- The clinic's own settings: the dashboard's date locale, the pain score from which families are advised to
-- stop (and the therapist is flagged), and the contact text families see with that advice.
ALTER TABLE clinics ADD COLUMN locale TEXT NOT NULL DEFAULT 'en-GB';
ALTER TABLE clinics ADD COLUMN pain_advice_at INTEGER NOT NULL DEFAULT 6;
ALTER TABLE clinics ADD COLUMN family_contact TEXT;
