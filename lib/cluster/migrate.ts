/**
 * The SQL bundle (`sql/NNN_name.sql`): applied in file-name order, each file in its own
 * transaction and recorded in `distribushop_migrations` with a checksum. A recorded file
 * is not run again; a recorded file whose text has changed is an error (add a new file).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db';
import { messageOf } from '../db/errors';
import { ClusterOperationError } from '../errors';
import { findUp } from '../paths';

export interface Migration {
  version: string;
  file: string;
  sql: string;
  checksum: string;
}

const FILE_PATTERN = /^(\d{3})_[a-z0-9_]+\.sql$/;

/** The `sql/` folder: `configured` (SQL_DIR), else the nearest one above this module (source or bundle). */
export function sqlDir(configured?: string): string {
  if (configured) return configured;
  const found = findUp('sql', '000_distribution_helpers.sql');
  if (!found) throw new ClusterOperationError('Cannot find the sql/ bundle; set SQL_DIR to its folder');
  return found;
}

export function loadBundle(dir: string = sqlDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => FILE_PATTERN.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(path.join(dir, file), 'utf8');
      return {
        version: file.replace(/\.sql$/, ''),
        file,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

export interface BundleResult {
  applied: string[];
  unchanged: string[];
}

/** Applies every file not yet recorded. Safe to run concurrently and repeatedly. */
export async function applyBundle(database: Db, bundle: Migration[] = loadBundle()): Promise<BundleResult> {
  await database.query(`CREATE TABLE IF NOT EXISTS distribushop_migrations (
    version    text PRIMARY KEY,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const result: BundleResult = { applied: [], unchanged: [] };
  for (const migration of bundle) {
    const applied = await database.withTransaction(async (tx) => {
      // One setup at a time: a second one waits here, then finds the file recorded.
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('distribushop_migrations'))");
      const { rows } = await tx.query<{ checksum: string }>(
        'SELECT checksum FROM distribushop_migrations WHERE version = $1',
        [migration.version],
      );
      const recorded = rows[0];
      if (recorded) {
        if (recorded.checksum !== migration.checksum) {
          throw new ClusterOperationError(
            `sql/${migration.file} was changed after it was applied; put schema changes in a new file instead`,
          );
        }
        return false;
      }
      try {
        await tx.query(migration.sql);
      } catch (error: unknown) {
        throw new ClusterOperationError(`sql/${migration.file} failed: ${messageOf(error)}`, {
          cause: error,
        });
      }
      await tx.query('INSERT INTO distribushop_migrations (version, checksum) VALUES ($1, $2)', [
        migration.version,
        migration.checksum,
      ]);
      return true;
    });
    (applied ? result.applied : result.unchanged).push(migration.version);
  }
  return result;
}
