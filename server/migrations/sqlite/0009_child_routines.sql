-- A routine built for one child stays that child's: it is not a clinic template, is not listed with the
-- templates, and is read, changed and assigned only through its child (NULL: a clinic template).
ALTER TABLE routines ADD COLUMN child_id TEXT;
