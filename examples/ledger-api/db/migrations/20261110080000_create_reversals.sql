-- migrate:up
CREATE TABLE reversals (
  id bigserial PRIMARY KEY,
  entry_id bigint NOT NULL REFERENCES entries (id),
  reason text NOT NULL
);

-- migrate:down
DROP TABLE reversals;
