// CPU time from /proc, in ms: of one process, and of the whole machine. Linux only; where
// /proc is not there every reading is undefined and the report says n/a.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function readOr<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

const msPerTick = 1000 / (Number(readOr(() => execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))) || 100);

/** The fields of /proc/PID/stat from field 3 of proc(5) on; undefined if the process is gone. */
function statFields(pid: number | 'self'): string[] | undefined {
  const stat = readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  // The command name before them is in parentheses and may hold spaces.
  return stat === undefined ? undefined : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU time (user + system) the process `pid` has used so far; undefined if it is gone. */
export function processCpuMs(pid: number): number | undefined {
  const fields = statFields(pid);
  // utime is field 14 of proc(5) and stime 15.
  return fields && (Number(fields[11]) + Number(fields[12])) * msPerTick;
}

/** CPU time the waited-for children of process `pid` (and theirs) have used; undefined if it is gone. */
export function childrenCpuMs(pid: number | 'self' = 'self'): number | undefined {
  const fields = statFields(pid);
  // cutime is field 16 of proc(5) and cstime 17.
  return fields && (Number(fields[13]) + Number(fields[14])) * msPerTick;
}

/** CPU time all cores of the machine have spent busy (not idle or waiting on I/O) so far. */
export function machineBusyCpuMs(): number | undefined {
  const stat = readOr(() => readFileSync('/proc/stat', 'utf8'));
  if (stat === undefined) return undefined;
  // cpu  user nice system idle iowait irq softirq steal ...
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) * msPerTick;
}
