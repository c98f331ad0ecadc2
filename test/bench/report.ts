/** The benchmark's output: a table for the terminal, the JSON document and an SVG chart. */
import type { ColdReport, ColdResult } from './cold';
import type { Level } from './levels';
import type { Measurement } from './stats';

export interface ScenarioResult {
  scenario: string;
  levels: Partial<Record<Level, Measurement>>;
  /** requests/s of in-process and HTTP over the ceiling's. */
  ratios: { inProcessOverCeiling: number | null; httpOverCeiling: number | null };
}

export interface ScaleResult {
  companies: number;
  scenario: string;
  level: Level;
  measurement: Measurement;
}

export interface BenchReport {
  startedAt: string;
  command: string;
  machine: string;
  cluster: string;
  settings: Record<string, unknown>;
  results: ScenarioResult[];
  scales: ScaleResult[];
  /** The cold level: each function's cold start against the floor's. */
  cold?: ColdReport;
}

const ratio = (a?: Measurement, b?: Measurement) =>
  a && b && b.requestsPerSecond > 0 ? a.requestsPerSecond / b.requestsPerSecond : null;

export function scenarioResult(
  scenario: string,
  levels: Partial<Record<Level, Measurement>>,
): ScenarioResult {
  return {
    scenario,
    levels,
    ratios: {
      inProcessOverCeiling: ratio(levels['in-process'], levels.ceiling),
      httpOverCeiling: ratio(levels.http, levels.ceiling),
    },
  };
}

/** A level's requests/s over the ceiling's, for in-process and HTTP. */
function shareOf(result: ScenarioResult, level: Level): number | null {
  if (level === 'in-process') return result.ratios.inProcessOverCeiling;
  if (level === 'http') return result.ratios.httpOverCeiling;
  return null;
}

const n0 = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '-');
const pct = (v: number | null) => (v === null ? '' : `${Math.round(v * 100)} %`);

const sessions = (m: Measurement) =>
  m.workerSessions === undefined || m.workerSessions === null ? '-' : String(m.workerSessions);

/** Rows by kind of answer (Measurement.byClass): answers/s, p50 and p99 of each. */
function classRows(report: BenchReport): string[][] {
  const rows: string[][] = [];
  for (const result of report.results) {
    for (const [level, m] of Object.entries(result.levels) as [Level, Measurement][]) {
      for (const [label, c] of Object.entries(m.byClass ?? {})) {
        rows.push([
          result.scenario,
          level,
          label,
          n0(c.requests),
          n0(c.requestsPerSecond),
          ms(c.latencyMs.p50),
          ms(c.latencyMs.p99),
        ]);
      }
    }
  }
  return rows;
}

/**
 * A run with refused orders against the same scenario's run without that came last before
 * it (`place-order, 15 % sold out` against `place-order`; `--sold-out 0,15,0,15` alternates
 * them): requests/s of each level over the other's.
 */
function refusalRows(report: BenchReport): string[][] {
  const rows: string[][] = [];
  const latest = new Map<string, ScenarioResult>();
  for (const result of report.results) {
    const [scenario, variant] = result.scenario.split(', ');
    if (variant === undefined) latest.set(result.scenario, result);
    const base = variant === undefined ? undefined : latest.get(scenario as string);
    if (!base) continue;
    for (const [level, m] of Object.entries(result.levels) as [Level, Measurement][]) {
      const without = base.levels[level];
      if (!without || without.requestsPerSecond === 0) continue;
      const placed = m.byClass?.['201'];
      rows.push([
        result.scenario,
        level,
        pct(m.requestsPerSecond / without.requestsPerSecond),
        placed ? pct(placed.requestsPerSecond / without.requestsPerSecond) : '-',
      ]);
    }
  }
  return rows;
}

const kb = (bytes: number) => `${Math.round(bytes / 1000)} KB`;
const times = (v: number) => `${v.toFixed(2)}×`;

/** A cold result's two columns: module load and first invocation, each with its ratio to the floor's. */
function coldCells(r: ColdResult, isFloor: boolean): [string, string] {
  return isFloor
    ? [ms(r.loadMs), ms(r.firstInvocationMs)]
    : [
        `${ms(r.loadMs)} (${times(r.loadOverFloor)})`,
        `${ms(r.firstInvocationMs)} (${times(r.firstInvocationOverFloor)})`,
      ];
}

/** The cold rows: the floor, then each function, with its bundle's sizes and what it answered. */
function coldRows(cold: ColdReport | undefined): { name: string; cells: [string, string]; detail: string }[] {
  if (!cold) return [];
  return [cold.floor, ...cold.functions].map((r) => ({
    name: r.name,
    cells: coldCells(r, r === cold.floor),
    detail: `${kb(r.bytes)} (${kb(r.minifiedBytes)} minified)${r.note ? `; ${r.note}` : ''}`,
  }));
}

function statuses(m: Measurement): string {
  return Object.entries(m.statuses)
    .map(([status, count]) => `${status}:${count}`)
    .join(' ');
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row.map((cell, i) => (i <= 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

/** The terminal table: one row per scenario and level. */
export function formatTable(report: BenchReport): string {
  const cold = report.cold !== undefined;
  const rows = [
    [
      'scenario',
      'level',
      'req/s',
      'of ceiling',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'errors',
      'conns',
      'new worker sessions',
      ...(cold ? ['load ms (× floor)', 'first call ms (× floor)'] : []),
      'statuses',
    ],
  ];
  for (const result of report.results) {
    for (const [level, m] of Object.entries(result.levels) as [Level, Measurement][]) {
      const of = pct(shareOf(result, level));
      rows.push([
        result.scenario,
        level,
        n0(m.requestsPerSecond),
        of,
        ms(m.latencyMs.p50),
        ms(m.latencyMs.p95),
        ms(m.latencyMs.p99),
        String(m.errors),
        (m.coordinatorConnections === null ? '-' : String(m.coordinatorConnections)) +
          (m.coordinatorConnectionsPeak === undefined ? '' : ` (peak ${m.coordinatorConnectionsPeak})`),
        sessions(m),
        ...(cold ? ['', ''] : []),
        statuses(m) + (m.note ? ` (${m.note})` : ''),
      ]);
    }
  }
  for (const row of coldRows(report.cold)) {
    rows.push([row.name, 'cold', '', '', '', '', '', '', '', '', ...row.cells, row.detail]);
  }
  const lines = [table(rows)];
  const byClass = classRows(report);
  if (byClass.length > 0) {
    lines.push(
      '',
      'By answer (the ceiling: by script, the answer the API would give):',
      table([['scenario', 'level', 'answer', 'requests', 'per s', 'p50 ms', 'p99 ms'], ...byClass]),
    );
  }
  const refusals = refusalRows(report);
  if (refusals.length > 0) {
    lines.push(
      '',
      'With refused orders, of the same scenario without:',
      table([['scenario', 'level', 'answers/s', 'placed/s'], ...refusals]),
    );
  }
  if (report.scales.length > 0) {
    const scaleRows = [['companies', 'scenario', 'level', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors']];
    for (const s of report.scales) {
      scaleRows.push([
        n0(s.companies),
        s.scenario,
        s.level,
        n0(s.measurement.requestsPerSecond),
        ms(s.measurement.latencyMs.p50),
        ms(s.measurement.latencyMs.p95),
        ms(s.measurement.latencyMs.p99),
        String(s.measurement.errors),
      ]);
    }
    lines.push('', 'Latency as tenants grow:', table(scaleRows));
  }
  return lines.join('\n');
}

const COLORS: Record<Level, string> = { ceiling: '#4c6ef5', 'in-process': '#40c057', http: '#fab005' };
const COLD_COLORS = { load: '#7950f2', first: '#e599f7' };
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A horizontal bar chart of requests/s per scenario and level, with p50/p99 beside each bar. */
export function svgChart(report: BenchReport): string {
  const barHeight = 18;
  const gap = 4;
  const groupGap = 22;
  const left = 150;
  const width = 860;
  const chartWidth = 480;
  const bars = report.results.flatMap((r) => Object.keys(r.levels));
  const max = Math.max(
    1,
    ...report.results.flatMap((r) => Object.values(r.levels).map((m) => m?.requestsPerSecond ?? 0)),
  );
  const coldBars = report.cold ? 1 + report.cold.functions.length : 0;
  const height =
    90 +
    bars.length * (barHeight + gap) +
    report.results.length * groupGap +
    (report.scales.length ? 40 : 0) +
    (coldBars ? 60 + coldBars * (barHeight + gap) : 0) -
    (report.results.length > 0 ? 0 : 40);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">DistribuShop: requests/s per scenario (p50 / p99 latency)${report.cold ? '; cold start per function' : ''}</text>`,
    `<text x="10" y="40" fill="#555">${escapeXml(report.machine)}; ${escapeXml(report.cluster)}</text>`,
  ];
  let y = 60;
  if (report.results.length > 0) {
    (Object.keys(COLORS) as Level[]).forEach((level, i) => {
      parts.push(
        `<rect x="${10 + i * 120}" y="${y - 10}" width="12" height="12" fill="${COLORS[level]}"/>`,
        `<text x="${26 + i * 120}" y="${y}">${level}</text>`,
      );
    });
    y += 20;
  }
  for (const result of report.results) {
    parts.push(
      `<text x="10" y="${y + barHeight - 4}" font-weight="bold">${escapeXml(result.scenario)}</text>`,
    );
    for (const [level, m] of Object.entries(result.levels) as [Level, Measurement][]) {
      const w = Math.max(1, (m.requestsPerSecond / max) * chartWidth);
      const share = shareOf(result, level);
      parts.push(
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${COLORS[level]}"/>`,
        `<text x="${left + w + 6}" y="${y + barHeight - 5}">${n0(m.requestsPerSecond)}/s${share === null ? '' : ` (${pct(share)})`} · ${ms(m.latencyMs.p50)} / ${ms(m.latencyMs.p99)} ms${m.errors ? ` · ${m.errors} errors` : ''}</text>`,
      );
      y += barHeight + gap;
    }
    y += groupGap;
  }
  if (report.scales.length > 0) {
    const byScenario = new Map<string, string[]>();
    for (const s of report.scales.filter((s) => s.level === 'in-process')) {
      byScenario.set(s.scenario, [
        ...(byScenario.get(s.scenario) ?? []),
        `${n0(s.companies)}: ${ms(s.measurement.latencyMs.p50)} ms`,
      ]);
    }
    parts.push(
      `<text x="10" y="${y}" fill="#333">In-process p50 as tenants grow — ${escapeXml(
        [...byScenario.entries()].map(([k, v]) => `${k} ${v.join(', ')}`).join('; '),
      )}</text>`,
    );
  }
  if (report.cold) {
    y += 20;
    parts.push(
      `<text x="10" y="${y}" font-weight="bold">Cold start: module load + first invocation, ms (median of ${report.cold.runs} fresh processes; × the floor's)</text>`,
    );
    y += 12;
    parts.push(
      `<rect x="10" y="${y}" width="12" height="12" fill="${COLD_COLORS.load}"/>`,
      `<text x="26" y="${y + 10}">module load</text>`,
      `<rect x="130" y="${y}" width="12" height="12" fill="${COLD_COLORS.first}"/>`,
      `<text x="146" y="${y + 10}">first invocation</text>`,
    );
    y += 24;
    const rows = [report.cold.floor, ...report.cold.functions];
    const totals = rows.map((r) => r.loadMs + r.firstInvocationMs).sort((a, b) => a - b);
    // One function far slower than the rest (the cluster status asks every node) would
    // shrink every other bar: the scale stops at 3 × the median, and a longer bar is cut.
    const longest = Math.max(
      1,
      Math.min(totals[totals.length - 1] ?? 1, 3 * (totals[totals.length >> 1] ?? 1)),
    );
    for (const r of rows) {
      const load = (Math.min(r.loadMs, longest) / longest) * chartWidth;
      const first =
        (Math.min(r.firstInvocationMs, longest - Math.min(r.loadMs, longest)) / longest) * chartWidth;
      const ratios =
        r === report.cold.floor ? '' : ` (${times(r.loadOverFloor)} / ${times(r.firstInvocationOverFloor)})`;
      parts.push(
        `<text x="10" y="${y + barHeight - 5}"${r === report.cold.floor ? ' font-weight="bold"' : ''}>${escapeXml(r.name)}</text>`,
        `<rect x="${left}" y="${y}" width="${load.toFixed(1)}" height="${barHeight}" fill="${COLD_COLORS.load}"/>`,
        `<rect x="${(left + load).toFixed(1)}" y="${y}" width="${first.toFixed(1)}" height="${barHeight}" fill="${COLD_COLORS.first}"/>`,
        `<text x="${(left + load + first + 6).toFixed(1)}" y="${y + barHeight - 5}">${r.loadMs + r.firstInvocationMs > longest ? '» ' : ''}${ms(r.loadMs)} + ${ms(r.firstInvocationMs)} ms${ratios}</text>`,
      );
      y += barHeight + gap;
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** The results as a Markdown table, for the README and docs/performance.md. */
export function formatMarkdown(report: BenchReport): string {
  const cold = report.cold !== undefined;
  const lines = [
    `\`${report.command}\` — ${report.machine}; ${report.cluster}; ${String(report.settings.concurrency)} clients, ${String(report.settings.durationS)} s per level after ${String(report.settings.warmupS)} s of warm-up.${cold ? ` Cold: median of ${report.cold?.runs} fresh processes per function, NODE_OPTIONS ${report.cold?.nodeOptions ? `\`${report.cold.nodeOptions}\`` : 'unset'} as deployed.` : ''}`,
    '',
    `| scenario | level | req/s | of ceiling | p50 ms | p95 ms | p99 ms | errors | coordinator connections | new worker sessions |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const result of report.results) {
    for (const [level, m] of Object.entries(result.levels) as [Level, Measurement][]) {
      const share = shareOf(result, level);
      lines.push(
        `| ${result.scenario} | ${level} | ${n0(m.requestsPerSecond)} | ${pct(share)} | ${ms(m.latencyMs.p50)} | ${ms(m.latencyMs.p95)} | ${ms(m.latencyMs.p99)} | ${m.errors} | ${m.coordinatorConnections ?? '-'}${m.coordinatorConnectionsPeak === undefined ? '' : ` (peak ${m.coordinatorConnectionsPeak})`} | ${sessions(m)} |`,
      );
    }
  }
  const byClass = classRows(report);
  if (byClass.length > 0) {
    lines.push(
      '',
      '| scenario | level | answer | requests | per s | p50 ms | p99 ms |',
      '| --- | --- | --- | ---: | ---: | ---: | ---: |',
      ...byClass.map((r) => `| ${r.join(' | ')} |`),
    );
  }
  const refusals = refusalRows(report);
  if (refusals.length > 0) {
    lines.push(
      '',
      '| with refused orders | level | answers/s of the run without | placed/s of the run without |',
      '| --- | --- | ---: | ---: |',
      ...refusals.map((r) => `| ${r.join(' | ')} |`),
    );
  }
  const coldOnes = coldRows(report.cold);
  if (coldOnes.length > 0) {
    lines.push(
      '',
      '| function | module load ms (× floor) | first invocation ms (× floor) | bundle |',
      '| --- | ---: | ---: | ---: |',
      ...coldOnes.map((row) => `| ${row.name} | ${row.cells[0]} | ${row.cells[1]} | ${row.detail} |`),
    );
  }
  if (report.scales.length > 0) {
    lines.push(
      '',
      '| companies | scenario | level | req/s | p50 ms | p95 ms | p99 ms | errors |',
      '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const s of report.scales) {
      const m = s.measurement;
      lines.push(
        `| ${n0(s.companies)} | ${s.scenario} | ${s.level} | ${n0(m.requestsPerSecond)} | ${ms(m.latencyMs.p50)} | ${ms(m.latencyMs.p95)} | ${ms(m.latencyMs.p99)} | ${m.errors} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
