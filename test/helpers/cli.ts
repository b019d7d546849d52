import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

/** The built CLI, as a user runs it (`npm test` builds it first). */
export const binRun = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
}

/**
 * Spawns `booksim <args>` with the Node running the tests (in `env`, default the tests'), collecting its output. Inside a
 * test (`inTest`), the process is killed when the test ends, whatever its outcome.
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = process.env, inTest = true): CliProcess {
  const child = spawn(process.execPath, [binRun, ...args], { env: { ...env, NO_COLOR: '1' } });
  if (inTest) {
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
  }
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Undoes oclif's wrapping of error messages (` ›   ` prefixes, line breaks) so tests can match whole sentences. */
export function unwrap(text: string): string {
  return text.replace(/\s*\n\s*›?\s*/g, ' ').replace(/^\s*›\s*/, '').replace(/\s+/g, ' ');
}

/** Runs `booksim <args>` to completion. */
export async function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return outcome(spawnCli(args, env));
}

/** Runs `booksim <args>` to completion from a beforeAll hook, where no test is there to kill it: it must end by itself. */
export function runCliInSetup(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return outcome(spawnCli(args, process.env, false));
}

async function outcome(cli: CliProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Waits until the process prints a line matching `pattern`, and returns the match. */
export async function waitForLine(cli: CliProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  for (;;) {
    const match = cli.stdout().match(pattern);
    if (match) return match;
    const ended = await Promise.race([once(cli.child.stdout, 'data').then(() => false), cli.exited.then(() => true)]);
    if (ended) {
      const late = cli.stdout().match(pattern);
      if (late) return late;
      throw new Error(`process ended before printing ${pattern}: ${cli.stdout()} ${cli.stderr()}`);
    }
  }
}
