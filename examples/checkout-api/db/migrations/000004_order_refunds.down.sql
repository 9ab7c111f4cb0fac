DROP INDEX orders_created_at_idx;
ALTER TABLE orders RENAME COLUMN amount_cents TO total_cents;
