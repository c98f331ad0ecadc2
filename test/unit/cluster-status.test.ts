import { TENANT_SIZES_SQL } from '../../lib/cluster/status';
import { DISTRIBUTED_TABLES } from '../../lib/db/catalog';

describe('the largest tenants query', () => {
  it('should sum every tenant table of the catalogue by its distribution column', () => {
    for (const { table, column } of DISTRIBUTED_TABLES) {
      const branch = new RegExp(
        `SELECT ${column}( AS company_id)?, sum\\(pg_column_size\\(x\\.\\*\\)\\)::bigint( AS bytes)? FROM ${table} x`,
      );
      expect(TENANT_SIZES_SQL).toMatch(branch);
    }
    expect(TENANT_SIZES_SQL.match(/ FROM \w+ x /g)).toHaveLength(DISTRIBUTED_TABLES.length);
  });
});
