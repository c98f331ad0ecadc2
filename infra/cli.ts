/** The command-line entry points' common ending: exit with main's code, or say why it failed and exit 1. */
import { loadCliConfig } from '../lib/config';
import { databaseError } from '../lib/db/errors';

/** The whole message of whatever was thrown: setup's carries its summary on the lines after the first. */
function errorText(error: unknown): string {
  const fields = databaseError(error);
  return fields?.message || fields?.code || String(error);
}

/** Runs `main`; `name` starts the failure line (`setup failed: ...`). DEBUG=1 adds the stack. */
export function runCli(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${name}: ${errorText(error)}`);
      const stack = (error as { stack?: unknown } | null)?.stack;
      if (loadCliConfig().DEBUG && typeof stack === 'string') console.error(stack);
      process.exit(1);
    },
  );
}
