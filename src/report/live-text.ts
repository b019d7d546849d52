import chalk from 'chalk';
import { stripVTControlCharacters } from 'node:util';
import type { LiveStatus } from '../model/live.js';

/** How {@link liveStatusLines} renders. */
export interface LiveTextOptions {
  /** Colour through chalk (which honours NO_COLOR); false gives plain text without a single escape code, for logs. */
  color: boolean;
  /** Columns a line may take: a longer one loses its last items and ends in `…` (a wrapped line would break redrawing in place). Default: no limit. */
  width?: number;
}

/** What stands for a value not known yet. */
const unknown = '–';
const count = (n: number) => n.toLocaleString('en-US');
/** A rate or a length in seconds, with a decimal only when it has one: 500, 0.5, 20. */
const compact = (n: number) => Number(n.toFixed(1)).toLocaleString('en-US');
const milliseconds = (ms: number | undefined) => (ms === undefined ? unknown : `${ms < 10 ? ms.toFixed(1) : Math.round(ms).toLocaleString('en-US')} ms`);

/**
 * The live status in two or three lines: the load (time against plan, sent, answered and
 * the achieved rate against the target, in flight, errors, non-2xx, API p99 so far), the
 * system (bookings decided and pending, sagas running, each queue's waiting/in-flight
 * messages, the DLQs), and the faults fired so far by name when the run has faults.
 * Unknown values (no poll answered yet, no response yet) show as `–`.
 */
export function liveStatusLines(status: LiveStatus, options: LiveTextOptions): string[] {
  const bold = options.color ? chalk.bold : (text: string) => text;
  /** A count that is bad news when it is not zero, in red then. */
  const bad = (text: string, n: number | undefined) => (options.color && n !== undefined && n > 0 ? chalk.red(text) : text);
  const line = (label: string, items: string[]) => fit(`${bold(label.padEnd(7))}`, items, options.width);

  const { load, bookings, system, faults } = status;
  const lines = [
    line('load', [
      `${(load.elapsedMs / 1000).toFixed(1)} s/${compact(load.plannedMs / 1000)} s`,
      `sent ${count(load.sent)}`,
      `answered ${count(load.answered)} (${load.achievedRps.toFixed(1)}/s of ${compact(load.targetRps)}/s)`,
      `in flight ${count(load.inFlight)}`,
      bad(`errors ${count(load.errors)}`, load.errors),
      bad(`non-2xx ${count(load.non2xx)}`, load.non2xx),
      `API p99 ${milliseconds(load.p99Ms)}`,
    ]),
    line('system', [
      `decided ${count(bookings.decided)}`,
      `pending ${count(bookings.pending)}`,
      `sagas running ${system ? `${count(system.sagasRunning)}${system.moreRunning ? '+' : ''}` : unknown}`,
      `queues ${queuesText(system)}`,
      bad(`DLQ ${system ? count(system.deadLetter) : unknown}`, system?.deadLetter),
    ]),
  ];
  if (faults) lines.push(line('faults', [faultsText(faults)]));
  return lines;
}

/** Each queue's waiting/in-flight messages: `inventory.fifo 3/12, payment.fifo 0/40`. */
function queuesText(system: LiveStatus['system']): string {
  if (!system) return unknown;
  if (system.queues.length === 0) return 'none';
  return system.queues.map((q) => `${q.name} ${count(q.visible)}/${count(q.inFlight)}`).join(', ');
}

/** Injections by fault name, in name order: `crash-mid-heartbeat 1, payment-decline 210`. */
function faultsText(faults: Record<string, number>): string {
  const fired = Object.entries(faults).sort(([a], [b]) => a.localeCompare(b));
  return fired.length === 0 ? 'none fired yet' : fired.map(([name, n]) => `${name} ${count(n)}`).join(', ');
}

const separator = '  ';
const ellipsis = '…';
const visibleLength = (text: string) => stripVTControlCharacters(text).length;

/** The label and as many items as fit in `width` columns (all of them without a width), `…` standing for those left out. */
function fit(label: string, items: string[], width: number | undefined): string {
  const whole = `${label}${items.join(separator)}`;
  if (width === undefined || visibleLength(whole) <= width) return whole;
  for (let kept = items.length - 1; kept >= 0; kept -= 1) {
    const shorter = `${label}${[...items.slice(0, kept), ellipsis].join(separator)}`;
    if (visibleLength(shorter) <= width) return shorter;
  }
  return stripVTControlCharacters(label).slice(0, width);
}
