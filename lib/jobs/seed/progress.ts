/**
 * Progress of a load: a bar with rows/s on a terminal (cli-progress), plain lines every
 * few seconds elsewhere (CI, pipes, Lambda logs), or nothing.
 */
import { Presets, SingleBar } from 'cli-progress';
import { loadCliConfig } from '../../config';

export interface Progress {
  /** A table starts: `rows` of the load's `total` are its. */
  table(name: string, rows: number): void;
  /** `rows` more rows were sent. */
  advance(rows: number): void;
  /** The load ended (or failed): clear the bar. */
  stop(): void;
}

export const silentProgress: Progress = { table() {}, advance() {}, stop() {} };

function rate(rows: number, ms: number): string {
  return Math.round(rows / Math.max(ms / 1000, 0.001)).toLocaleString('en-US');
}

/** Plain lines through `write`: every `everyMs`, when a table ends, and at the end. */
export function lineProgress(total: number, write: (line: string) => void, everyMs = 5000): Progress {
  const started = Date.now();
  let done = 0;
  let lastLine = started;
  let current = '';
  let tableDone = 0;
  let tableRows = 0;
  const report = () => {
    const now = Date.now();
    lastLine = now;
    const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
    write(
      `seed: ${current} ${tableDone.toLocaleString('en-US')}/${tableRows.toLocaleString('en-US')} rows; ` +
        `total ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${percent}%), ${rate(done, now - started)} rows/s`,
    );
  };
  return {
    table(name, rows) {
      // A line when a table ends, unless a line went out just now (many small tables).
      if (current && Date.now() - lastLine >= everyMs / 5) report();
      current = name;
      tableDone = 0;
      tableRows = rows;
    },
    advance(rows) {
      done += rows;
      tableDone += rows;
      if (Date.now() - lastLine >= everyMs) report();
    },
    stop() {
      if (current) report();
      current = '';
    },
  };
}

/** A terminal bar on stderr: table, percentage, rows, rows/s, ETA. */
function barProgress(total: number): Progress {
  const started = Date.now();
  let done = 0;
  const bar = new SingleBar(
    {
      format:
        'seed {table} [{bar}] {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { table: '', speed: '0' });
  return {
    table(name) {
      bar.update(done, { table: name.padEnd(11) });
    },
    advance(rows) {
      done += rows;
      bar.update(done, { speed: rate(done, Date.now() - started) });
    },
    stop() {
      bar.stop();
    },
  };
}

/** The bar (on stderr) on a terminal, plain lines on stderr when stdout is not a TTY or CI=true. */
export function terminalProgress(total: number): Progress {
  if (process.stdout.isTTY && process.stderr.isTTY && !loadCliConfig().CI) return barProgress(total);
  return lineProgress(total, (line) => process.stderr.write(`${line}\n`));
}
