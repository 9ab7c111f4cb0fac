-- migrate:up
ALTER TABLE entries ADD COLUMN memo text;

-- migrate:down
ALTER TABLE entries DROP COLUMN memo;
