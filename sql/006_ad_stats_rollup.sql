-- Daily impressions and clicks per ad, rolled up incrementally by the maintenance job, so
-- that a campaign's totals are read from a few rollup rows plus the events that arrived
-- since the last rollup, not by counting every event.

CREATE TABLE IF NOT EXISTS ad_stats_daily (
    company_id  bigint NOT NULL,
    ad_id       bigint NOT NULL,
    day         date   NOT NULL,
    impressions bigint NOT NULL DEFAULT 0 CHECK (impressions >= 0),
    clicks      bigint NOT NULL DEFAULT 0 CHECK (clicks >= 0),
    PRIMARY KEY (company_id, ad_id, day)
);
SELECT distribushop_distributed_table('ad_stats_daily', 'company_id', 'companies');

-- How far each event table has been rolled up: every event with an id up to
-- last_aggregated_id is counted in ad_stats_daily, every later one is not yet. A reference
-- table, so that a tenant's query joins it on the tenant's own worker.
CREATE TABLE IF NOT EXISTS ad_stats_rollups (
    name               text   PRIMARY KEY,
    event_table        text   NOT NULL,
    event_id_sequence  text   NOT NULL,
    last_aggregated_id bigint NOT NULL DEFAULT 0
);
SELECT distribushop_reference_table('ad_stats_rollups');

INSERT INTO ad_stats_rollups (name, event_table, event_id_sequence) VALUES
    ('impressions', 'impressions', 'impressions_id_seq'),
    ('clicks', 'clicks', 'clicks_id_seq')
ON CONFLICT (name) DO NOTHING;

-- The next window of events to roll up: from the last aggregated id + 1 to the last id
-- the sequence handed out, once every transaction that may still insert an id in that
-- window has ended. The row lock keeps two rollups of one table from running at once.
-- This is the incremental rollup of Citus's real-time analytics guide; it relies on
-- event ids coming from the coordinator's sequence, as every insert through the
-- coordinator's tables does.
CREATE OR REPLACE FUNCTION distribushop_rollup_window(rollup_name text, OUT window_start bigint, OUT window_end bigint)
RETURNS record
LANGUAGE plpgsql AS $$
DECLARE
    table_to_lock regclass;
    id_sequence regclass;
BEGIN
    SELECT event_table::regclass, event_id_sequence::regclass, last_aggregated_id + 1
      INTO table_to_lock, id_sequence, window_start
      FROM ad_stats_rollups WHERE name = rollup_name FOR UPDATE;
    IF NOT FOUND THEN
        RAISE 'rollup ''%'' is not in ad_stats_rollups', rollup_name;
    END IF;
    -- The last id handed out (a sequence set with setval(..., false), as seeding leaves
    -- it, has handed out the one before its value).
    EXECUTE format('SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM %s', id_sequence)
       INTO window_end;
    IF window_end < window_start THEN
        -- Nothing new.
        window_end := window_start - 1;
        RETURN;
    END IF;
    -- Wait for every write in flight to finish: a brief lock that conflicts with inserts,
    -- released at once by the exception.
    BEGIN
        EXECUTE format('LOCK %s IN SHARE ROW EXCLUSIVE MODE', table_to_lock);
        RAISE 'release the table lock';
    EXCEPTION WHEN OTHERS THEN
    END;
    UPDATE ad_stats_rollups SET last_aggregated_id = window_end WHERE name = rollup_name;
END
$$;
