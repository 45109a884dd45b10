-- A child's record number in the clinic's own records (EHR), to match exports to its patients: optional, kept
-- beside the child's document (it is the clinic's, never sent to the family's devices), and unique within a
-- clinic when set (NULLs do not collide).
ALTER TABLE children ADD COLUMN record_number TEXT;
CREATE UNIQUE INDEX children_record_number ON children (clinic_id, record_number);
