/**
 * Figures for people, shared by the command lines and the console (web/ bundles this
 * module, so it stays free of Node's modules).
 */

/** A size in bytes as the status shows it (`120.0 kB`, `3.7 MB`); `?` when it is not known. */
export function formatBytes(n: number | null): string {
  if (n === null) return '?';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
