// The machine a benchmark ran on, as every BENCHMARKS.md section names it: figures depend
// on it, so only runs on the same one compare.

import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

/** The Node version, the CPU model (from /proc/cpuinfo where there is one) and the core count. */
export interface Machine {
  node: string;
  cpuModel: string;
  cores: number;
}

export function machine(): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // not Linux: keep what os.cpus() says
  }
  return { node: process.version, cpuModel: cpuModel.trim(), cores: availableParallelism() };
}

/** The CPU as a section's "CPU …" says it: `<model>, <n> cores`. */
export function describeMachine(): string {
  const { cpuModel, cores } = machine();
  return `${cpuModel}, ${cores} cores`;
}
