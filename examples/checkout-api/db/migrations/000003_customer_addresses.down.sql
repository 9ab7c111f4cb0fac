ALTER TABLE orders DROP CONSTRAINT orders_address_fk;
ALTER TABLE orders DROP COLUMN shipping_address_id;
DROP TABLE customer_addresses;
