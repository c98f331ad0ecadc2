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
  /**
   * Sessions the workers' databases saw start during the window, summed over the workers
   * (`pg_stat_database.sessions`); null on plain PostgreSQL. The coordinator opens one per
   * worker for a session of its own, and another each time a statement fails on a worker.
   */
  workerSessions?: number | null;
  /** The same window by kind of answer ('201', '409', the flash sale's groups), where there are several. */
  byClass?: Record<string, ClassMeasurement>;
  /** Anything worth reading next to the figures (e.g. aborted pgbench clients). */
  note?: string;
}

export interface ClassMeasurement {
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number };
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
  private classes = new Map<string, number[]>();

  /** `label`: the kind of answer it is reported under beside the whole (see Measurement.byClass). */
  record(latencyMs: number, status: number | string, label?: string): void {
    this.latencies.push(latencyMs);
    const key = String(status);
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    if (label !== undefined) {
      const latencies = this.classes.get(label);
      if (latencies) latencies.push(latencyMs);
      else this.classes.set(label, [latencyMs]);
    }
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
    const byClass: Record<string, ClassMeasurement> = {};
    for (const [label, latencies] of [...this.classes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const ordered = Array.from(Float64Array.from(latencies).sort());
      byClass[label] = {
        requests: ordered.length,
        requestsPerSecond: ordered.length / seconds,
        latencyMs: { p50: percentile(ordered, 50), p99: percentile(ordered, 99) },
      };
    }
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
      ...(this.classes.size > 1 ? { byClass } : {}),
      ...(note ? { note } : {}),
    };
  }
}
