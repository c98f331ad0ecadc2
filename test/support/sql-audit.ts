/**
 * Finds SQL built from strings on the request path. Every `.query(…)` call in the modules
 * an HTTP function loads must pass its SQL as a literal, or as a template whose every
 * `${…}` is a constant of the module (a column list) or the placeholder builder of the
 * database module (only `$n` in the text); the values travel as parameters. Anything else
 * (a variable, a concatenation, a call, a property of the input) is reported with its file
 * and line. Only the database module itself may pass a parameter through (its wrapper of
 * the driver's query).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SAFE_BUILDERS = new Set(['placeholders']);
const PASS_THROUGH_MODULE = path.join('lib', 'db', 'index.ts');

export interface Finding {
  file: string;
  line: number;
  sql: string;
}

/** The files an entry point loads, following relative imports. */
export function requestPath(root: string, entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const statement of source.statements) {
      const specifier =
        (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
      if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) continue;
      const base = path.resolve(path.dirname(file), specifier.text);
      const resolved = [`${base}.ts`, path.join(base, 'index.ts')].find(existsSync);
      if (resolved) visit(resolved);
    }
  };
  for (const entry of entries) visit(path.resolve(root, entry));
  return [...seen].map((f) => path.relative(root, f)).sort();
}

function constantsOf(source: ts.SourceFile): Map<string, ts.Expression> {
  const constants = new Map<string, ts.Expression>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const))
      continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.initializer)
        constants.set(declaration.name.text, declaration.initializer);
    }
  }
  return constants;
}

/** True when `node` is SQL text that no input can change. */
function isConstantSql(node: ts.Expression, constants: Map<string, ts.Expression>, depth = 0): boolean {
  if (depth > 5) return false;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return true;
  if (ts.isTemplateExpression(node)) {
    return node.templateSpans.every((span) => {
      const e = span.expression;
      if (ts.isIdentifier(e)) {
        const value = constants.get(e.text);
        return value !== undefined && isConstantSql(value, constants, depth + 1);
      }
      return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && SAFE_BUILDERS.has(e.expression.text);
    });
  }
  if (ts.isIdentifier(node)) {
    const value = constants.get(node.text);
    return value !== undefined && isConstantSql(value, constants, depth + 1);
  }
  return false;
}

function isParameter(node: ts.Expression): boolean {
  if (!ts.isIdentifier(node)) return false;
  for (let scope: ts.Node | undefined = node.parent; scope; scope = scope.parent) {
    if (
      ts.isFunctionLike(scope) &&
      scope.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === node.text)
    )
      return true;
  }
  return false;
}

/** Every query call of the source whose SQL is not constant. */
export function auditSource(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const constants = constantsOf(source);
  const findings: Finding[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ['query', 'unsafe'].includes(node.expression.name.text)
    ) {
      const sql = node.arguments[0];
      const passThrough = file.endsWith(PASS_THROUGH_MODULE) && sql !== undefined && isParameter(sql);
      if (sql && !passThrough && !isConstantSql(sql, constants)) {
        findings.push({
          file,
          line: source.getLineAndCharacterOfPosition(sql.getStart()).line + 1,
          sql: sql.getText().slice(0, 120),
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

export function auditFiles(root: string, files: string[]): Finding[] {
  return files.flatMap((file) => auditSource(file, readFileSync(path.join(root, file), 'utf8')));
}
