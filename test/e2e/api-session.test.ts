/**
 * The API guide's session (docs/api.md), run as written. The shop is made as `npm start` makes
 * it: a new database set up and given the demo seed (`--demo`), the credentials made by
 * infra/local-credentials.ts into a `.cluster/` folder, and serverless-offline serving the
 * functions with that operator token. Then every command of the guide's session block
 * runs, in order, in one bash in the folder that holds `.cluster/`, and each one's output
 * must be what the guide shows, but for what differs from run to run: timestamps, request
 * ids, and the random part of keys.
 *
 * API_SESSION=print prints the outputs instead of comparing them (to write the guide).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePortRange } from '../../infra/local-cluster';
import { type Offline, startOffline } from '../support/offline';
import { startThrowaway, type Throwaway } from '../support/throwaway-cluster';

const root = path.join(__dirname, '../..');
const GUIDE = 'docs/api.md';
const START = '<!-- session: run by test/e2e/api-session.test.ts -->';

interface Step {
  command: string;
  expected: string;
}

/** The session block of the guide: `$ ` commands (a trailing `\` continues one), each followed by its output. */
function sessionSteps(guide: string): Step[] {
  const from = guide.indexOf(START);
  if (from < 0) throw new Error(`${GUIDE} has no session block (${START})`);
  const block = /```sh\n([\s\S]*?)```/.exec(guide.slice(from))?.[1] ?? '';
  const steps: Step[] = [];
  const lines = block.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (!line.startsWith('$ ')) {
      const last = steps[steps.length - 1];
      if (last) last.expected += `${line}\n`;
      continue;
    }
    let command = line.slice(2);
    while (command.endsWith('\\') && i + 1 < lines.length) {
      i += 1;
      command = `${command.slice(0, -1)}${(lines[i] as string).trim()}`;
    }
    steps.push({ command, expected: '' });
  }
  return steps.map((s) => ({ ...s, expected: s.expected.trimEnd() }));
}

/** What differs from run to run, made the same. */
function normalize(text: string): string {
  return text
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/(ds_(?:sk|pk)_\d+_)[0-9A-Za-z]{32}/g, '$1<random>')
    .replace(/("prefix":"ds_(?:sk|pk)_\d+_)[0-9A-Za-z]{4}"/g, '$1<4>"');
}

const MARK = '@@step-ended@@';

/** Runs every step in one bash (so `source` and variables carry on) and returns each one's output. */
function runSession(steps: Step[], cwd: string): string[] {
  const script = steps.map((s) => `${s.command}\necho; echo '${MARK}'`).join('\n');
  const out = execFileSync('bash', ['-c', script], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    timeout: 120_000,
  });
  return out
    .split(`${MARK}\n`)
    .slice(0, steps.length)
    .map((o) => o.trimEnd());
}

describe("the API guide's session", () => {
  let scratch: Throwaway;
  let offline: Offline;
  let dir: string;

  beforeAll(async () => {
    scratch = await startThrowaway({ database: 'distribushop_api_session', on: process.env.DATABASE_URL });
    dir = mkdtempSync(path.join(os.tmpdir(), 'distribushop-api-session-'));
    const port = await findFreePortRange(2);
    const env = {
      ...process.env,
      DATABASE_URL: scratch.url,
      CLUSTER_DIR: path.join(dir, '.cluster'),
      HTTP_PORT: String(port),
      LOG_LEVEL: 'error',
    };
    const tsx = path.join(root, 'node_modules/.bin/tsx');
    execFileSync(tsx, ['infra/seed.ts', '--demo'], { cwd: root, env, stdio: 'pipe' });
    execFileSync(tsx, ['infra/local-credentials.ts'], { cwd: root, env, stdio: 'pipe' });
    const kept = readFileSync(path.join(dir, '.cluster/credentials.env'), 'utf8');
    const adminToken = /^export ADMIN_TOKEN='([^']+)'$/m.exec(kept)?.[1];
    offline = await startOffline(
      { DATABASE_URL: scratch.url, ADMIN_TOKEN: adminToken, LOG_LEVEL: 'error' },
      [],
      port,
    );
  }, 240_000);

  afterAll(async () => {
    offline?.stop();
    await scratch?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should answer every command as the guide shows', () => {
    const steps = sessionSteps(readFileSync(path.join(root, GUIDE), 'utf8'));
    expect(steps.length).toBeGreaterThan(8);
    const outputs = runSession(steps, dir);
    if (process.env.API_SESSION === 'print') {
      process.stdout.write(steps.map((s, i) => `$ ${s.command}\n${outputs[i]}`).join('\n'));
    }
    const seen = steps.map((s, i) => ({ command: s.command, output: normalize(outputs[i] ?? '') }));
    // The guide shows the Citus cluster's health; on plain PostgreSQL that one line says so,
    // and every other answer is the same.
    const onThisTier = (text: string) =>
      process.env.TEST_CITUS === '1'
        ? text
        : text.replace(
            /"database":"citus","citusVersion":"[^"]+","activeWorkers":\d+/,
            '"database":"plain","citusVersion":null,"activeWorkers":0',
          );
    const shown = steps.map((s) => ({ command: s.command, output: normalize(onThisTier(s.expected)) }));
    expect(seen).toEqual(shown);
  }, 120_000);
});
