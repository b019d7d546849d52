// Runs the built CLI (bin/run.js) in a process of its own, as a user would: to completion
// for its output, or measured (wall time, CPU, peak RSS from /proc, Linux only).

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { childrenCpuMs } from './cpu-time.js';

/** The repository: where bin/run.js runs from. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface BooksimOptions {
  /** The environment of the process; this one's by default. */
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are an answer, not a failure (verify's 1, an invariant broke, and 3, unknown). */
  answers?: number[];
  /** Killed after this long; no limit by default. */
  timeoutMs?: number;
}

/**
 * Runs `booksim <args>` to completion and returns its stdout; rejects with its stderr
 * unless it exits 0 or with one of `answers`.
 */
export function booksim(args: string[], { env = process.env, answers = [], timeoutMs = 0 }: BooksimOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/run.js', ...args], { cwd: root, env, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) =>
      error && !(typeof error.code === 'number' && answers.includes(error.code)) ? reject(new Error(`booksim ${args[0]} failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** What {@link timeBooksim} measured of one command. */
export interface TimedRun<T> {
  wallMs: number;
  /** CPU time of the process and its children (undefined where /proc is not there). */
  cpuMs: number | undefined;
  /** Peak resident memory in MiB, sampled every 100 ms (0 where /proc is not there). */
  peakRssMiB: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The command's `--json` output; undefined when it is not JSON (e.g. no such command yet). */
  output: T | undefined;
  /** The end of its stderr. */
  stderr: string;
}

/** Peak resident memory (VmHWM) of a process so far, in MiB; undefined once it is gone. */
function peakRssMiB(pid: number | undefined): number | undefined {
  try {
    const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return hwm ? Number(hwm[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `booksim <args> --json`, killed after `timeoutMs`; samples its peak RSS every
 * 100 ms (VmHWM only grows, so the last sample is the peak up to the last 100 ms).
 * `running` keeps the child while it runs, so a deadline or a signal can stop it. `T` is
 * what the command prints with --json (taken on trust: it is booksim's own output).
 */
export function timeBooksim<T>(args: string[], timeoutMs: number, running: Set<ChildProcess>): Promise<TimedRun<T>> {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/run.js', ...args, '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const sampler = setInterval(() => (peak = Math.max(peak, peakRssMiB(child.pid) ?? 0)), 100);
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const wallMs = performance.now() - started;
      clearInterval(sampler);
      clearTimeout(killer);
      running.delete(child);
      let output: T | undefined;
      try {
        output = JSON.parse(stdout) as T;
      } catch {
        output = undefined;
      }
      const cpuAfter = childrenCpuMs();
      const cpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      resolve({ wallMs, cpuMs, peakRssMiB: peak, exitCode: code, signal, output, stderr: stderr.trim() });
    });
  });
}
