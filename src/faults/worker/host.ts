import type { AwsClients } from '../../aws/clients.js';
import type { Clock } from '../../clock.js';
import { sagaTasks, type SagaTask, type TimingProfileName } from '../../deploy/saga-profiles.js';
import { BooksimError, ExitCode } from '../../errors.js';
import type { FaultLogger } from '../../model/fault.js';
import type { Random } from '../../random.js';
import type { Supervisor, SupervisorEvents } from '../../runtime/supervisor.js';
import type { WorkerFunction, WorkerSettings } from '../../runtime/worker-messages.js';
import type { Injection, SystemFacts } from '../package.js';

/** What one worker fault asks of the workers while it lasts. */
export interface WorkerFaultSetting {
  coldStartMs?: number;
  duplicateDeliveryRate?: number;
  lateDelivery?: { rate: number; ms: number };
  taskWorkMs?: Partial<Record<SagaTask, number>>;
  slowTask?: Partial<Record<SagaTask, { rate: number; ms: number }>>;
  stuckTask?: Partial<Record<SagaTask, number>>;
}

export interface WorkerFaultHostOptions {
  supervisor: Supervisor;
  clients: Pick<AwsClients, 'sfn'>;
  /** The stack's saga, whose RUNNING executions stop-execution stops. */
  stateMachineArn: string;
  /** The deployed saga's profile: heartbeat intervals and timeouts. */
  profile: TimingProfileName;
  /** Draws the workers' seed, which workers to hang and which executions to stop. */
  random: Random;
  log: FaultLogger;
  clock: Clock;
}

/**
 * What the worker faults act on (docs/design.md, Where the functions run): the supervised
 * worker processes. Two kinds of fault live in the workers and are switched on and off
 * through {@link Supervisor.configure} as faults start and heal (duplicate and late
 * delivery, the cold start, a slowed task, and the task work that makes
 * crash-mid-heartbeat possible);
 * where two overlap, the workers take the larger value. The rest act on the processes
 * from here: signals, scaling, StopExecution. The workers' own injections (the
 * supervisor's 'fault' events) go to the run's log.
 */
export class WorkerFaultHost {
  readonly supervisor: Supervisor;
  readonly clients: Pick<AwsClients, 'sfn'>;
  readonly stateMachineArn: string;
  readonly profile: TimingProfileName;
  readonly random: Random;
  readonly log: FaultLogger;
  readonly clock: Clock;
  private readonly settings = new Set<WorkerFaultSetting>();
  private readonly listeners = new Set<() => void>();
  private readonly work = new Set<Promise<unknown>>();

  constructor(options: WorkerFaultHostOptions) {
    ({ supervisor: this.supervisor, clients: this.clients, stateMachineArn: this.stateMachineArn, profile: this.profile, random: this.random, log: this.log, clock: this.clock } = options);
    this.listen('fault', (entry) => this.log(entry));
    const initial = this.combined();
    this.supervisor.configure({ ...initial, faults: { ...initial.faults, seed: Math.floor(this.random() * 2 ** 31) } });
  }

  /** The workers take `setting` until it is healed. */
  set(setting: WorkerFaultSetting): Injection {
    this.settings.add(setting);
    this.supervisor.configure(this.combined());
    return {
      heal: () => {
        if (this.settings.delete(setting)) this.supervisor.configure(this.combined());
      },
    };
  }

  /** Subscribes to the supervisor until the returned function is called, or the host stops. */
  listen<K extends keyof SupervisorEvents>(event: K, listener: (...args: SupervisorEvents[K]) => void): () => void {
    this.supervisor.on(event, listener as never);
    const off = () => {
      this.supervisor.off(event, listener as never);
      this.listeners.delete(off);
    };
    this.listeners.add(off);
    return off;
  }

  /** Work in progress (a scaling step, a StopExecution) that stop() waits for. */
  track(promise: Promise<unknown>): Promise<void> {
    const tracked = promise.then(
      () => undefined,
      () => undefined,
    );
    this.work.add(tracked);
    void tracked.finally(() => this.work.delete(tracked));
    return tracked;
  }

  /** Ends every worker fault: no more listening, the work in progress waited for, the workers back to no faults. */
  async stop(): Promise<void> {
    for (const off of [...this.listeners]) off();
    await Promise.allSettled([...this.work]);
    this.settings.clear();
    this.supervisor.configure(this.combined());
  }

  /** What the workers take now: for each setting, the largest of the faults that ask for it; zero when none does. */
  private combined(): WorkerSettings {
    const all = [...this.settings];
    const largest = (of: (setting: WorkerFaultSetting) => number | undefined) => Math.max(0, ...all.map((setting) => of(setting) ?? 0));
    return {
      coldStartMs: largest((setting) => setting.coldStartMs),
      faults: {
        duplicateDeliveryRate: largest((setting) => setting.duplicateDeliveryRate),
        lateDelivery: { rate: largest((setting) => setting.lateDelivery?.rate), ms: largest((setting) => setting.lateDelivery?.ms) },
        taskWorkMs: Object.fromEntries(sagaTasks.map((task) => [task, largest((setting) => setting.taskWorkMs?.[task])])),
        slowTask: Object.fromEntries(sagaTasks.map((task) => [task, { rate: largest((setting) => setting.slowTask?.[task]?.rate), ms: largest((setting) => setting.slowTask?.[task]?.ms) }])),
        stuckTask: Object.fromEntries(sagaTasks.map((task) => [task, largest((setting) => setting.stuckTask?.[task])])),
      },
    };
  }
}

/** Refuses a fault aimed at a function no worker hosts (inventory and payment in the direct-chain topology, where the booking API calls them). */
export function refuseUnhosted(targets: readonly WorkerFunction[], system: SystemFacts): void {
  const unhosted = targets.filter((fn) => !system.hosted.includes(fn));
  if (unhosted.length > 0) {
    throw new BooksimError(`no worker hosts ${unhosted.join(', ')} in this stack's topology, so a fault cannot target it`, ExitCode.usage, [`Aim function= at one of: ${system.hosted.join(', ')}.`]);
  }
}
