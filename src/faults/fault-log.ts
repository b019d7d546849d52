import type { Clock } from '../clock.js';
import { type FaultLogEntry, type FaultLogger, type FaultPhase } from '../model/fault.js';
import { planFault } from './registry.js';
import { parseFaultSpec } from './spec.js';

/** A run's fault log: every line timed as it comes, `injected` unless it says otherwise. */
export class FaultLog {
  private readonly lines: FaultLogEntry[] = [];

  constructor(private readonly clock: Clock) {}

  readonly logger: FaultLogger = ({ fault, phase = 'injected', ...entry }) => this.lines.push({ at: new Date(this.clock.now()).toISOString(), fault, phase, ...entry });

  /** Every line so far, in order. */
  entries(): FaultLogEntry[] {
    return [...this.lines];
  }

  /** Injections by fault name (starts, heals and what failed not counted). */
  injected(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const line of this.lines) if (line.phase === 'injected') counts[line.fault] = (counts[line.fault] ?? 0) + 1;
    return counts;
  }
}

/** How a line of a run recorded before run format 2 said its phase: in its first words. */
function phaseInWords(action: string): FaultPhase {
  if (action.startsWith('healed:')) return 'undone';
  if (action.startsWith('healed')) return 'healed';
  if (action.startsWith('could not') || / failed: /.test(action)) return 'failed';
  return 'injected';
}

/**
 * A run's fault log with every line's phase. The log of a run recorded before run format 2
 * had no phases and no `started` lines (its windows opened silently at `from`): its lines
 * get their phase from their words, and each fault a `started` line where its spec's
 * window opened, counted from `loadStartedAt` (ms). A spec this booksim no longer reads
 * gets none.
 */
export function withPhases(entries: readonly FaultLogEntry[], specs: readonly string[], loadStartedAt: number): FaultLogEntry[] {
  if (entries.some((entry) => entry.phase !== undefined)) return [...entries];
  const started = specs.flatMap((text): FaultLogEntry[] => {
    try {
      const { spec, window } = planFault(parseFaultSpec(text));
      return [{ at: new Date(loadStartedAt + window.fromMs).toISOString(), fault: spec.name, phase: 'started', action: 'started' }];
    } catch {
      return [];
    }
  });
  return [...started, ...entries.map((entry) => ({ ...entry, phase: phaseInWords(entry.action) }))];
}
