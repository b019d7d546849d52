// CPU time from /proc, in ms: of one process, and of the whole machine. Linux only; where
// /proc is not there every reading is undefined and the report says n/a.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const msPerTick = 1000 / (Number(readOr(() => execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))) || 100);

function readOr(read) {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) the process `pid` has used so far; undefined if it is gone. */
export function processCpuMs(pid) {
  const stat = readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  if (stat === undefined) return undefined;
  // The fields after the command name, which is in parentheses and may hold spaces, start
  // with field 3 of proc(5): utime is field 14 and stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * msPerTick;
}

/** CPU time all cores of the machine have spent busy (not idle or waiting on I/O) so far. */
export function machineBusyCpuMs() {
  const stat = readOr(() => readFileSync('/proc/stat', 'utf8'));
  if (stat === undefined) return undefined;
  // cpu  user nice system idle iowait irq softirq steal ...
  const [user, nice, system, , , irq, softirq, steal] = stat.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) * msPerTick;
}
