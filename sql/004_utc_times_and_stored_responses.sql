-- Schema changes to distributed tables run inside a DO block: Citus forwards a DDL
-- statement's own text to the shards, and a file sent as one multi-statement string
-- would reach the workers as several commands in one (which they refuse).

-- Times of the tutorial tables (timestamp without time zone, the tutorial's format) are
-- UTC wall-clock time: their defaults no longer follow the session's TimeZone, so a row
-- made by a server or client in another zone reads the same as one made in UTC.
--
-- The response stored under an Idempotency-Key is the exact JSON text that was sent, so
-- that a replay is the same bytes (jsonb would reorder its keys). Keys stored before this
-- file keep their content, in jsonb's key order, until they expire.
DO $$
BEGIN
    ALTER TABLE companies
        ALTER COLUMN created_at SET DEFAULT timezone('UTC', now()),
        ALTER COLUMN updated_at SET DEFAULT timezone('UTC', now());
    ALTER TABLE campaigns
        ALTER COLUMN created_at SET DEFAULT timezone('UTC', now()),
        ALTER COLUMN updated_at SET DEFAULT timezone('UTC', now());
    ALTER TABLE ads
        ALTER COLUMN created_at SET DEFAULT timezone('UTC', now()),
        ALTER COLUMN updated_at SET DEFAULT timezone('UTC', now());
    ALTER TABLE idempotency_keys ALTER COLUMN response TYPE text USING response::text;
END
$$;
