// A server under test in a child process of its own: started, read for its URL, measured
// for CPU time, and stopped — politely, then by force.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { clearTimeout, setTimeout } from 'node:timers';
import { root } from './booksim.js';
import { processCpuMs } from './cpu-time.js';

/** A server running in a child process. */
export interface ServerProcess {
  name: string;
  pid: number;
  /** The URL its ready line gave. */
  url: string;
  /** The CPU time it has used so far (undefined where /proc is not there, or once it is gone). */
  cpuMs(): number | undefined;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  name: string;
  /** The arguments of this Node binary: a script and its arguments, after any Node options. */
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Matches the line of its stdout that says it is ready; the first group is its URL. */
  readyPattern: RegExp;
  timeoutMs?: number;
}

/**
 * Spawns `node ...args` (this Node binary) in `cwd` (the repository by default), with `env`
 * (default this process's), and waits up to `timeoutMs` for a line of its stdout matching
 * `readyPattern`. Rejects, having killed the child, if it exits or stays silent first. The
 * child's stderr is kept for the error message.
 */
export function startServerProcess({ name, args, cwd = root, env = process.env, readyPattern, timeoutMs = 30_000 }: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const stop = () => stopChild(child);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().finally(() => reject(new Error(`${name} did not start: ${reason}${stderr ? `\n${stderr.trim()}` : ''}`)));
    };
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = readyPattern.exec(line);
      if (!match || settled) return;
      settled = true;
      clearTimeout(timer);
      const pid = child.pid!;
      resolve({ name, pid, url: match[1] ?? '', cpuMs: () => processCpuMs(pid), stop });
    });
  });
}

/** `booksim local` on a free port, as the storm, calls, verify and endpoint benchmarks measure against it. */
export const booksimLocal: ServerProcessOptions = {
  name: 'booksim local',
  args: ['bin/run.js', 'local', '--port', '0'],
  readyPattern: /^booksim local ready at (http:\/\/\S+)/,
};

/** Starts {@link booksimLocal} in `env` (this process's by default: e.g. one that profiles it). */
export function startBooksimLocal(env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess> {
  return startServerProcess({ ...booksimLocal, env });
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  const gone = child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
  if (gone) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
