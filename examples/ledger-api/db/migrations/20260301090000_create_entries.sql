-- migrate:up
CREATE TABLE entries (
  id bigserial PRIMARY KEY,
  account text NOT NULL,
  amount_cents bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE entries;
