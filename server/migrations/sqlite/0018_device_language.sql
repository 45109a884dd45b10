-- The language each device shows its family, as its last pull asked (`PullRequest::language`): the clinic sees
-- whom it writes for on the child's page. NULL until the device's first pull that names one.
ALTER TABLE devices ADD COLUMN language TEXT;
