// A server under test in a child process of its own: started, read for its URL, measured
// for CPU time, and stopped — politely, then by force.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { clearTimeout, setTimeout } from 'node:timers';
import { processCpuMs } from './cpu-time.js';

/**
 * Spawns `node ...args` (this Node binary) in `cwd`, with `env` (default this process's), and waits up to `timeoutMs` for a
 * line of its stdout matching `readyPattern`, whose first group is the server's URL.
 * Resolves to `{ name, pid, url, cpuMs(), stop() }`; rejects, having killed the child,
 * if it exits or stays silent first. The child's stderr is kept for the error message.
 */
export function startServerProcess({ name, args, cwd, env = process.env, readyPattern, timeoutMs = 30_000 }) {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr = (stderr + text).slice(-4000)));
  const stop = () => stopChild(child);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (reason) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop().finally(() => reject(new Error(`${name} did not start: ${reason}${stderr ? `\n${stderr.trim()}` : ''}`)));
    };
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = readyPattern.exec(line);
      if (!match || settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ name, pid: child.pid, url: match[1], cpuMs: () => processCpuMs(child.pid), stop });
    });
  });
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
function stopChild(child, graceMs = 3000) {
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
