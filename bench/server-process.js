// A server under test in a child process of its own: started, read for its URL, measured
// for CPU time, and stopped — politely, then by force.

import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU time (user + system, in ms) the process `pid` has used so far, from /proc/PID/stat;
 * undefined where /proc is not there (not Linux) or the process is gone.
 */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is
    // field 3 of proc(5), utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
  } catch {
    return undefined;
  }
}

/**
 * Spawns `node ...args` (this Node binary) in `cwd` and waits up to `timeoutMs` for a
 * line of its stdout matching `readyPattern`, whose first group is the server's URL.
 * Resolves to `{ name, pid, url, cpuMs(), stop() }`; rejects, having killed the child,
 * if it exits or stays silent first. The child's stderr is kept for the error message.
 */
export function startServerProcess({ name, args, cwd, readyPattern, timeoutMs = 30_000 }) {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr = (stderr + text).slice(-4000)));
  const stop = () => stopChild(child);
  return new Promise((resolve, reject) => {
    const fail = (reason) => {
      clearTimeout(timer);
      stop().finally(() => reject(new Error(`${name} did not start: ${reason}${stderr ? `\n${stderr.trim()}` : ''}`)));
    };
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = readyPattern.exec(line);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
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
