// Runs a booksim command in a process of its own and measures it: wall time, CPU, peak
// RSS (from /proc, Linux only), and its stdout parsed as JSON; and names the machine.
// Shared by the benchmarks that time one command.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { childrenCpuMs } from './cpu-time.js';

/** Peak resident memory (VmHWM) of a process so far, in MiB; undefined once it is gone. */
function peakRssMiB(pid) {
  try {
    const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return hwm ? Number(hwm[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `booksim <args> --json` from `root`, killed after `timeoutMs`; samples its peak RSS
 * every 100 ms (VmHWM only grows, so the last sample is the peak up to the last 100 ms).
 * `running` keeps the child while it runs, so a deadline or a signal can stop it. Resolves
 * to its wall time, CPU, peak RSS, exit code and parsed output (undefined when the output
 * is not JSON, e.g. no such command yet).
 */
export function timeBooksim(root, args, timeoutMs, running) {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/run.js', ...args, '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout.setEncoding('utf8').on('data', (text) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr = (stderr + text).slice(-4000)));
  const sampler = setInterval(() => (peak = Math.max(peak, peakRssMiB(child.pid) ?? 0)), 100);
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const wallMs = performance.now() - started;
      clearInterval(sampler);
      clearTimeout(killer);
      running.delete(child);
      let output;
      try {
        output = JSON.parse(stdout);
      } catch {
        output = undefined;
      }
      resolve({ wallMs, cpuMs: childrenCpuMs() - cpuBefore, peakRssMiB: peak, exitCode: code, signal, output, stderr: stderr.trim() });
    });
  });
}

export function describeMachine() {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return `${model.trim()}, ${availableParallelism()} cores`;
}
