/**
 * The API's times are UTC whatever the process's time zone or the database session's.
 * The tutorial tables keep `timestamp without time zone` (its format); the driver must
 * read those as UTC, and their defaults must not follow the session's TimeZone.
 */
import { handler as createCompany } from '../../../functions/companies/create';
import { handler as getCompany } from '../../../functions/companies/get';
import { routes } from '../../../lib/http/routes';
import type { Company } from '../../../lib/shop/types';
import { closeDb, query, withTransaction } from '../../support/db';
import { invoke } from '../../support/lambda';

// The test run sets TZ=Asia/Tokyo for the cluster and every test process (test/support/global-setup.ts).
afterAll(closeDb);

const secondsFromNow = (iso: string) => Math.abs(Date.parse(iso) - Date.now()) / 1000;

describe('times in a process outside UTC', () => {
  it('should run in a process and a database session outside UTC', async () => {
    expect(new Date(Date.UTC(2024, 0, 1)).getTimezoneOffset()).toBe(-540);
    const { rows } = await query<{ zone: string }>("SELECT current_setting('TimeZone') AS zone");
    expect(rows[0]?.zone).not.toMatch(/^(UTC|GMT|Etc\/UTC)$/);
  });

  it('should return a stored UTC wall-clock time as that instant', async () => {
    const { rows } = await query<{ id: number }>(
      "INSERT INTO companies (name, created_at) VALUES ('Tutorial Co', '2014-03-25 20:07:33.25') RETURNING id",
    );
    const reply = await invoke<Company>(getCompany, routes.getCompany, {
      params: { companyId: rows[0]?.id ?? 0 },
    });
    expect(reply.body.createdAt).toBe('2014-03-25T20:07:33.250Z');
  });

  it('should give a new company the current UTC time', async () => {
    const reply = await invoke<Company>(createCompany, routes.createCompany, { body: { name: 'Now Co' } });
    expect(reply.status).toBe(201);
    expect(reply.body.createdAt).toMatch(/Z$/);
    expect(secondsFromNow(reply.body.createdAt)).toBeLessThan(60);
  });

  it('should store UTC when the database session is in another zone', async () => {
    const id = await withTransaction(async (tx) => {
      await tx.query("SET LOCAL TIME ZONE 'America/Los_Angeles'");
      const { rows } = await tx.query<{ id: number }>(
        "INSERT INTO companies (name) VALUES ('Session Zone Co') RETURNING id",
      );
      return rows[0]?.id ?? 0;
    });
    const reply = await invoke<Company>(getCompany, routes.getCompany, { params: { companyId: id } });
    expect(secondsFromNow(reply.body.createdAt)).toBeLessThan(60);
  });
});
