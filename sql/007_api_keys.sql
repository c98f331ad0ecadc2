-- API keys: a company's secret and publishable keys. Co-located with the tenant tables,
-- so that checking a key is one lookup on the shard group of the company the key names.
-- Only a key's SHA-256 is stored, never its text: the text is shown once, when the key is
-- made. `prefix` is the key's first characters (kind, company and four of the random
-- part), enough for a person to tell keys apart and nothing to use.

CREATE TABLE IF NOT EXISTS api_keys (
    company_id bigint NOT NULL REFERENCES companies (id),
    id         bigserial,
    kind       text   NOT NULL CHECK (kind IN ('secret', 'publishable')),
    prefix     text   NOT NULL CHECK (length(prefix) BETWEEN 8 AND 40),
    key_hash   bytea  NOT NULL CHECK (length(key_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    PRIMARY KEY (company_id, id),
    UNIQUE (company_id, key_hash)
);
SELECT distribushop_distributed_table('api_keys', 'company_id', 'companies');
