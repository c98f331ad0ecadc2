/**
 * A child process run to its end, with what it wrote: the benchmark's pgbench and fresh
 * bundles, and `serverless package` in the artifacts test.
 */
import { spawn } from 'node:child_process';

export interface Finished {
  /** The exit code (1 when the process was ended by a signal). */
  code: number;
  stdout: string;
  stderr: string;
  /** Both streams in the order their chunks arrived. */
  output: string;
}

export function runProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, stdout, stderr, output }));
  });
}
