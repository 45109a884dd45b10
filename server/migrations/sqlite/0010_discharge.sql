-- A discharged child: the date is in the child's document (the family's devices see it); who discharged the
-- child and why stay on the server. Both are cleared on re-admission (the audit log keeps the history).
ALTER TABLE children ADD COLUMN discharged_by TEXT;
ALTER TABLE children ADD COLUMN discharged_ms BIGINT;
ALTER TABLE children ADD COLUMN discharge_reason TEXT;
-- Why a device was revoked: NULL by a therapist's hand, 'discharged' when the family's program ended (the
-- device is then told so in words rather than only refused).
ALTER TABLE devices ADD COLUMN revoked_reason TEXT;
