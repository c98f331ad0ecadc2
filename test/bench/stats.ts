/** What one level of one scenario measured, and the arithmetic on it. */

export interface Measurement {
  /** Completed requests (or pgbench transactions) in the measured window. */
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Responses by HTTP status (the ceiling has none: it counts `ok` and `failed`). */
  statuses: Record<string, number>;
  /** Responses that are errors for this scenario (anything but its expected statuses). */
  errors: number;
  /** Client connections to the coordinator's database at the end of the window. */
  coordinatorConnections: number | null;
  /** The most seen during the window, sampled every half second (HTTP level). */
  coordinatorConnectionsPeak?: number;
  /** Anything worth reading next to the figures (e.g. aborted pgbench clients). */
  note?: string;
}

/** The p-th percentile (0–100) of sorted values, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** Collects latencies and statuses; `done()` summarises them. */
export class Recorder {
  private latencies: number[] = [];
  private statuses = new Map<string, number>();

  record(latencyMs: number, status: number | string): void {
    this.latencies.push(latencyMs);
    const key = String(status);
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }

  done(
    seconds: number,
    expected: Set<number>,
    coordinatorConnections: number | null,
    note?: string,
  ): Measurement {
    const sorted = Float64Array.from(this.latencies).sort();
    const values = Array.from(sorted);
    const statuses = Object.fromEntries([...this.statuses.entries()].sort());
    const errors = [...this.statuses.entries()]
      .filter(([status]) => !expected.has(Number(status)) && status !== 'ok')
      .reduce((sum, [, n]) => sum + n, 0);
    return {
      requests: values.length,
      seconds,
      requestsPerSecond: values.length / seconds,
      latencyMs: {
        p50: percentile(values, 50),
        p95: percentile(values, 95),
        p99: percentile(values, 99),
        max: values[values.length - 1] ?? Number.NaN,
      },
      statuses,
      errors,
      coordinatorConnections,
      ...(note ? { note } : {}),
    };
  }
}
