/**
 * `npm run maintenance [-- --only STEP[,STEP]]`: the maintenance job from the command line,
 * against DATABASE_URL, or the local cluster when that is unset. Prints a summary table; exit 0 when every step was ok, 1 when one
 * failed (the others still ran), 2 for bad arguments.
 */
import { parseArgs } from 'node:util';
import {
  formatMaintenanceReport,
  MAINTENANCE_STEPS,
  type MaintenanceStep,
  runMaintenance,
} from '../lib/jobs/maintenance';
import { runCli, withOperationsDb } from './cli';

const USAGE = `usage: npm run maintenance [-- --only STEP[,STEP...]]
steps, in the order they run: ${MAINTENANCE_STEPS.join(', ')}`;

function parseOnly(argv: string[]): MaintenanceStep[] | undefined | null {
  const { values } = parseArgs({
    args: argv,
    options: { only: { type: 'string', multiple: true }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) return null;
  if (!values.only) return undefined;
  const named = values.only.flatMap((v) => v.split(',')).map((v) => v.trim());
  const unknown = named.filter((n) => !(MAINTENANCE_STEPS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown step ${unknown.join(', ')}`);
  return named as MaintenanceStep[];
}

// Each step's result is in the table; slow statements are expected here.
runCli(
  'maintenance failed',
  async () => {
    let only: MaintenanceStep[] | undefined | null;
    try {
      only = parseOnly(process.argv.slice(2));
    } catch (error: unknown) {
      console.error(`maintenance: ${(error as { message?: string }).message}\n${USAGE}`);
      return 2;
    }
    if (only === null) {
      console.log(USAGE);
      return 0;
    }
    return withOperationsDb(
      async (database) => {
        const report = await runMaintenance(database, { only });
        console.log(formatMaintenanceReport(report));
        return report.ok ? 0 : 1;
      },
      { name: 'distribushop-maintenance', poolMax: 1 },
    );
  },
  { logLevel: 'error' },
);
