-- Tenants and their API keys. A key is stored only as the SHA-256 of the whole token (tokens are long random
-- secrets, so a fast hash is enough); it is found by its first 12 characters, which are not secret on their own.
CREATE TABLE tenants (
  name       text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO tenants (name) VALUES ('default');

CREATE TABLE api_keys (
  id                  text PRIMARY KEY,
  prefix              text        NOT NULL,
  hash                bytea       NOT NULL,
  tenant              text        NOT NULL REFERENCES tenants (name),
  scopes              text[]      NOT NULL,
  superuser           boolean     NOT NULL DEFAULT false,
  requests_per_second int,
  events_per_second   int,
  created_at          timestamptz NOT NULL DEFAULT now(),
  revoked_at          timestamptz
);
CREATE INDEX api_keys_by_prefix ON api_keys (prefix);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant);
