import { nodeState } from '../../lib/cluster/node-facts';
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

describe("a node's state", () => {
  it.each([
    [{ host: '10.0.0.7', isActive: true }, true, 'active'],
    [{ host: '10.0.0.7', isActive: true }, false, 'unreachable'],
    [{ host: '10.0.0.7', isActive: false }, false, 'inactive'],
    // Patroni marks the entry while it switches the group over (Citus's transparent switchover).
    [{ host: '10.0.0.7-demoted', isActive: true }, false, 'switching'],
  ])('should be %j, answered %s: %s', (node, answered, state) => {
    expect(nodeState(node, answered)).toBe(state);
  });
});
