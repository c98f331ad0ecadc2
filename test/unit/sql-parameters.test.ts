// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the snippets are source code with template placeholders
/**
 * Security: all SQL on the request path is parameterized. Every query call in every
 * module an HTTP function loads passes constant SQL text (literals, the modules' own
 * column lists, `$n` placeholders), never text built from input; identifiers (tables,
 * columns, ORDER BY) never come from input either, since only constants are interpolated.
 *
 * Shown to fail: on the code before the placeholder builder, it reported
 * lib/shop/orders.ts line 212, the order items' VALUES list built in a local variable
 * (safe, as it held only `$n`, but nothing proved it); the six broken snippets below are
 * each reported.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { placeholders } from '../../lib/db';
import { auditFiles, auditSource, requestPath } from '../support/sql-audit';

const root = path.join(__dirname, '..', '..');
const httpFunctions = readdirSync(path.join(root, 'functions'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.startsWith('jobs'))
  .map((file) => path.join('functions', file));

describe('SQL on the request path', () => {
  const files = requestPath(root, httpFunctions);

  it('should follow every HTTP function into the shop, the database module and the cluster facts', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'lib/db/index.ts',
        'lib/shop/orders.ts',
        'lib/shop/products.ts',
        'lib/cluster/inspect.ts',
      ]),
    );
    expect(files.some((f) => f.startsWith('lib/jobs'))).toBe(false);
  });

  it('should build no SQL text from anything but constants', () => {
    expect(auditFiles(root, files)).toEqual([]);
  });

  it.each([
    ['a value in the text', "db.query(`SELECT * FROM products WHERE name = '${input.name}'`);"],
    ['a concatenation', "db.query('SELECT * FROM products WHERE name = ' + name);"],
    ['an identifier from input', 'db.query(`SELECT * FROM products ORDER BY ${query.sort}`);'],
    ['a variable holding text', 'const text = build(input);\ndb.query(text, []);'],
    [
      'a let that could change',
      "let columns = 'id';\ncolumns = input;\ndb.query(`SELECT ${columns} FROM t`);",
    ],
    ['a call', 'tx.query(sql(input.name));'],
  ])('should find %s', (_what, code) => {
    expect(auditSource('lib/shop/example.ts', code)).toHaveLength(1);
  });

  it('should accept literals, module constants and placeholders', () => {
    const code = [
      "const COLUMNS = 'id, name';",
      "db.query('SELECT 1');",
      'db.query(`SELECT ${COLUMNS} FROM t WHERE id = $1`, [id]);',
      'tx.query(`INSERT INTO t VALUES ${placeholders(n, 2, 3)}`, values);',
    ].join('\n');
    expect(auditSource('lib/shop/example.ts', code)).toEqual([]);
  });

  it('should make placeholders of numbers only', () => {
    expect(placeholders(2, 2, 3)).toBe('($1, $2, $3, $4, $5), ($1, $2, $6, $7, $8)');
    expect(placeholders(1, 0, 2)).toBe('($1, $2)');
  });
});
