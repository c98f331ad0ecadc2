/**
 * Bulk loading as PostgreSQL and Citus recommend it: build secondary indexes and check
 * foreign keys between the loaded tables once, after the rows are in, rather than row by
 * row while they stream. Within the load's one transaction: the indexes and constraints
 * are dropped before the COPYs and created again, with the same definitions, after them;
 * each foreign key is validated over every row when it is added back, so nothing that
 * would have been refused gets in. Primary keys and unique constraints stay (the foreign
 * keys stand on them), and so do checks and foreign keys to the reference tables.
 */
import type { BulkQueryable } from '../../db/copy';

interface Definition {
  name: string;
  table: string;
  definition: string;
}

/** What prepareBulkLoad took away, to put back. */
export interface BulkLoadRestore {
  indexes: Definition[];
  foreignKeys: Definition[];
  /** Creates the indexes and adds (and so validates) the foreign keys again. */
  restore(): Promise<void>;
}

/** Drops the secondary indexes of `tables` and the foreign keys among them; returns how to restore them. */
export async function prepareBulkLoad(
  tx: BulkQueryable,
  tables: readonly string[],
): Promise<BulkLoadRestore> {
  const list = [...tables];
  const indexes = await tx.query<Definition>(
    `SELECT i.indexrelid::regclass::text AS name, c.relname AS table, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
      WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY 1`,
    [`{${list.join(',')}}`],
  );
  const foreignKeys = await tx.query<Definition>(
    `SELECT k.conname AS name, c.relname AS table, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_class r ON r.oid = k.confrelid
      WHERE k.contype = 'f' AND c.relnamespace = 'public'::regnamespace
        AND c.relname = ANY($1::text[]) AND r.relname = ANY($1::text[])
      ORDER BY 1`,
    [`{${list.join(',')}}`],
  );
  for (const fk of foreignKeys) await tx.query(`ALTER TABLE ${fk.table} DROP CONSTRAINT ${fk.name}`);
  for (const index of indexes) await tx.query(`DROP INDEX ${index.name}`);
  return {
    indexes,
    foreignKeys,
    async restore() {
      for (const index of indexes) await tx.query(index.definition);
      for (const fk of foreignKeys) {
        await tx.query(`ALTER TABLE ${fk.table} ADD CONSTRAINT ${fk.name} ${fk.definition}`);
      }
    },
  };
}
