/** Companies: the tenants. A company's id is the distribution key of every tenant table. */
import { db, type Queryable, REPEATABLE } from '../db';
import { NotFoundError } from '../errors';
import type { Company, CompanyIn } from './types';

interface CompanyRow {
  id: number;
  name: string;
  image_url: string | null;
  created_at: Date;
}

const toCompany = (r: CompanyRow): Company => ({
  id: r.id,
  name: r.name,
  imageUrl: r.image_url,
  createdAt: r.created_at.toISOString(),
});

export async function createCompany(input: CompanyIn, database: Queryable = db()): Promise<Company> {
  const { rows } = await database.query<CompanyRow>(
    'INSERT INTO companies (name) VALUES ($1) RETURNING id, name, image_url, created_at',
    [input.name],
  );
  return toCompany(rows[0] as CompanyRow);
}

export async function getCompany(companyId: number, database: Queryable = db()): Promise<Company> {
  const { rows } = await database.query<CompanyRow>(
    'SELECT id, name, image_url, created_at FROM companies WHERE id = $1',
    [companyId],
    REPEATABLE,
  );
  if (!rows[0]) throw new NotFoundError(`Company ${companyId} does not exist`);
  return toCompany(rows[0]);
}

/** Throws NotFoundError unless the company exists. A single-shard lookup by the distribution key. */
export async function assertCompany(companyId: number, database: Queryable = db()): Promise<void> {
  const { rowCount } = await database.query('SELECT 1 FROM companies WHERE id = $1', [companyId], REPEATABLE);
  if (!rowCount) throw new NotFoundError(`Company ${companyId} does not exist`);
}
