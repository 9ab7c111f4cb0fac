ALTER TYPE order_status ADD VALUE 'refunded';
ALTER TABLE orders RENAME COLUMN total_cents TO amount_cents;
CREATE INDEX orders_created_at_idx ON orders (created_at);
UPDATE orders SET currency = 'EUR' WHERE currency IS NULL;
