import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import type { FaultLogger, FaultTarget } from '../model/fault.js';
import type { FaultContexts, Injection } from './package.js';
import type { PlannedFault } from './registry.js';
import { Schedule, windowEnd } from './schedule.js';
import { paramsText } from './spec.js';

/**
 * Runs a plan's faults: each starts when its window opens and heals when it closes (or
 * when the run ends), and the log says so when it happened: a `started` line once it
 * injects, a `healed` line once it no longer does. Windows count from the start of the
 * load; a fault open from the start may be started ahead of it ({@link startAhead}).
 */
export class FaultRunner {
  private schedule: Schedule | undefined;
  private contexts: Partial<FaultContexts> = {};
  private readonly running = new Map<PlannedFault, { injection: Injection; startedAt: number }>();
  private readonly started = new Set<PlannedFault>();
  private readonly ended = new Set<FaultTarget>();

  constructor(
    private readonly faults: readonly PlannedFault[],
    private readonly clock: Clock,
    private readonly log: FaultLogger,
  ) {}

  /**
   * Starts now, before the load, the faults open from its start whose context is given:
   * AWS faults for the whole run then cover the workers' start-up calls too.
   */
  startAhead(contexts: Partial<FaultContexts>): void {
    this.contexts = { ...this.contexts, ...contexts };
    for (const fault of this.faults) if (fault.window.fromMs <= 0 && contexts[fault.target] !== undefined) this.start(fault);
  }

  /** The load starts now: every fault not started yet starts when its window opens, and each heals when its window closes. */
  loadStarted(contexts: Partial<FaultContexts>): void {
    this.contexts = { ...this.contexts, ...contexts };
    const schedule = (this.schedule = new Schedule(this.clock));
    for (const fault of this.faults) {
      // A fault of the whole load is on before the first request goes out, not a timer tick later.
      if (fault.window.fromMs <= 0) this.start(fault);
      else schedule.at(fault.window.fromMs, () => this.start(fault));
      const endMs = windowEnd(fault.window);
      if (endMs < Infinity) schedule.at(endMs, () => void this.heal(fault, `healed after ${fault.window.forMs} ms`));
    }
  }

  private start(fault: PlannedFault): void {
    if (this.started.has(fault) || this.ended.has(fault.target)) return;
    this.started.add(fault);
    const params = paramsText(fault.spec.params);
    try {
      this.running.set(fault, { injection: fault.start(this.contexts), startedAt: this.clock.now() });
      this.log({ fault: fault.spec.name, phase: 'started', action: `started${params ? ` (${params})` : ''}`, detail: { window: fault.window } });
    } catch (error) {
      this.log({ fault: fault.spec.name, phase: 'failed', action: `could not start: ${describeError(error)}` });
    }
  }

  private async heal(fault: PlannedFault, action: string): Promise<void> {
    const run = this.running.get(fault);
    if (!run) return;
    this.running.delete(fault);
    try {
      // Logged at once when the heal is done at once (a rule taken out), after the work in progress when it is not.
      const healing = run.injection.heal();
      if (healing) await healing;
      this.log({ fault: fault.spec.name, phase: 'healed', action, detail: { activeMs: this.clock.now() - run.startedAt } });
    } catch (error) {
      this.log({ fault: fault.spec.name, phase: 'failed', action: `could not heal: ${describeError(error)}` });
    }
  }

  /** Heals the running faults of `targets` (default: all) and starts none of theirs any more. */
  async stop(targets: readonly FaultTarget[] = ['gateway', 'aws', 'worker']): Promise<void> {
    for (const target of targets) this.ended.add(target);
    if (this.ended.size === 3) this.schedule?.cancel();
    const healing = [...this.running.keys()].filter((fault) => targets.includes(fault.target));
    await Promise.all(healing.map((fault) => this.heal(fault, 'healed at the end of the run')));
  }
}
