-- Helpers that make a table distributed or a reference table on Citus, and do nothing
-- on plain PostgreSQL, so that the same bundle builds both. Each file of the bundle
-- distributes a table right after creating it, before any other table refers to it
-- (Citus refuses foreign keys from local tables to distributed ones).
-- Both helpers skip a table that is already distributed as asked: re-running is a no-op.

CREATE OR REPLACE FUNCTION distribushop_has_citus() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')
$$;

CREATE OR REPLACE FUNCTION distribushop_reference_table(table_name regclass) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT distribushop_has_citus() THEN
        RETURN format('%s: plain table (no Citus)', table_name);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_dist_partition
               WHERE logicalrelid = table_name AND partmethod = 'n' AND repmodel = 't') THEN
        RETURN format('%s: already a reference table', table_name);
    END IF;
    -- Several distributed DDL commands in one transaction must share one connection per node.
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    PERFORM create_reference_table(table_name);
    RETURN format('%s: reference table created', table_name);
END
$$;

CREATE OR REPLACE FUNCTION distribushop_distributed_table(
    table_name regclass, distribution_column text, colocate_with text DEFAULT 'default'
) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT distribushop_has_citus() THEN
        RETURN format('%s: plain table (no Citus)', table_name);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = table_name AND partmethod = 'h') THEN
        RETURN format('%s: already distributed', table_name);
    END IF;
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    PERFORM create_distributed_table(table_name, distribution_column, colocate_with => colocate_with);
    RETURN format('%s: distributed by %s', table_name, distribution_column);
END
$$;

-- Adds a foreign key unless a constraint of that name exists. Foreign keys from a tenant
-- table to a reference table are added after the tenant table is distributed: Citus
-- would otherwise turn the still-local table into a Citus local table first.
CREATE OR REPLACE FUNCTION distribushop_add_foreign_key(table_name regclass, constraint_name text, definition text)
RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = table_name AND conname = constraint_name) THEN
        RETURN format('%s: %s already present', table_name, constraint_name);
    END IF;
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', table_name, constraint_name, definition);
    RETURN format('%s: %s added', table_name, constraint_name);
END
$$;
