import type { AwsClients } from '../aws/clients.js';
import type { ServiceKey } from '../aws/endpoint.js';
import type { Clock } from '../clock.js';
import { startChaosProxy } from '../faults/aws/proxy.js';
import { AwsFaultRules } from '../faults/aws/rules.js';
import { FaultLog } from '../faults/fault-log.js';
import { GatewayFaultRules } from '../faults/gateway/rules.js';
import { planFaults, type PlannedFault } from '../faults/registry.js';
import { FaultRunner } from '../faults/runner.js';
import { detectionLatencies } from '../faults/worker/crash-detection.js';
import { WorkerFaultHost } from '../faults/worker/host.js';
import type { FaultPolicy } from '../gateway/fault-policy.js';
import { latencyRecorder, percentiles } from '../load/histograms.js';
import type { FaultLogEntry, FaultTarget } from '../model/fault.js';
import type { ChaosOptions } from '../model/plan.js';
import type { DetectedBy } from '../model/run.js';
import { seededRandom, type Random } from '../random.js';
import type { CrashDetection } from './summary.js';
import type { RunningSystem } from './system.js';

/**
 * A storm's chaos: its faults read once (src/faults/registry.ts), the fault log, the
 * gateway's fault policy, the chaos proxies in front of the endpoints for the workers'
 * AWS calls, and the runner that starts each fault when its window opens and heals it
 * when it closes. The gateway, the proxies and the workers each draw from a generator of
 * their own seeded from the run's seed, so a seed repeats the faults (given the same
 * timing). Parameters are checked when it is built, before the run starts.
 */
export class StormChaos {
  private readonly log: FaultLog;
  private readonly faults: PlannedFault[];
  private readonly gateway: GatewayFaultRules;
  private readonly aws = new AwsFaultRules();
  private readonly runner: FaultRunner;
  private workers: WorkerFaultHost | undefined;
  /** The payment gateway's fault policy; undefined when the run has no gateway fault. */
  readonly gatewayPolicy: FaultPolicy | undefined;

  constructor(
    readonly options: ChaosOptions,
    private readonly seed: number,
    private readonly clock: Clock,
  ) {
    this.log = new FaultLog(clock);
    this.faults = planFaults(options.faults);
    this.gateway = new GatewayFaultRules(this.random(1), this.log.logger);
    this.gatewayPolicy = this.has('gateway') ? this.gateway.policy : undefined;
    this.runner = new FaultRunner(this.faults, clock, this.log.logger);
  }

  private has(target: FaultTarget): boolean {
    return this.faults.some((fault) => fault.target === target);
  }

  /** A generator of its own for each part, so that one part's draws do not shift another's. */
  private random(part: number): Random {
    return seededRandom((this.seed ^ (part * 0x9e3779b1)) >>> 0);
  }

  /**
   * Starts the chaos before the system under test: the proxies when an AWS fault is asked
   * for (one in front of each distinct endpoint, as services may have their own, all
   * drawing from one generator and logging to the run's one fault log), and the gateway
   * and AWS faults open from the start, so that those cover the workers' start-up too.
   * Answers each service's endpoint for the workers: its proxy.
   */
  async start(endpoints: Record<ServiceKey, string>): Promise<Record<ServiceKey, string> | undefined> {
    const proxied = this.has('aws') ? await this.startProxies(endpoints) : undefined;
    this.runner.startAhead({ gateway: this.gateway, aws: this.aws });
    return proxied;
  }

  private async startProxies(endpoints: Record<ServiceKey, string>): Promise<Record<ServiceKey, string>> {
    const random = this.random(2);
    const proxyOf = new Map<string, string>();
    for (const target of new Set(Object.values(endpoints))) {
      const proxy = await startChaosProxy({ target, random, log: this.log.logger });
      this.aws.attach(proxy);
      proxyOf.set(target, proxy.url);
    }
    return Object.fromEntries(Object.entries(endpoints).map(([service, target]) => [service, proxyOf.get(target)!])) as Record<ServiceKey, string>;
  }

  /**
   * The load starts now: checks the faults against the running system (a usage error for
   * one it cannot have), then starts each not started yet when its window opens, counted
   * from now. A run without worker faults leaves the workers exactly as they were started.
   */
  loadStarted(system: RunningSystem): void {
    const hosted = system.supervisor.planned().map((entry) => entry.function);
    for (const fault of this.faults) fault.check({ profile: system.profile, hosted });
    if (this.has('worker')) {
      const { supervisor, context, profile } = system;
      this.workers = new WorkerFaultHost({ supervisor, clients: context.clients, stateMachineArn: context.resources.stateMachineArn, profile, random: this.random(3), log: this.log.logger, clock: this.clock });
    }
    this.runner.loadStarted(this.workers ? { worker: this.workers } : {});
  }

  /** Heals the worker faults (the system settled): hung workers resume, no more kills, scaling or stopped executions. */
  async stopWorkerFaults(): Promise<void> {
    await this.runner.stop(['worker']);
    await this.workers?.stop();
    this.workers = undefined;
  }

  /** Crash detection, kill → the timeout in the execution history, for every worker killed mid-task; undefined when none was. */
  async detection(clients: Pick<AwsClients, 'sfn'>): Promise<CrashDetection | undefined> {
    const crashes = await detectionLatencies(clients, this.log.entries());
    if (crashes.length === 0) return undefined;
    const recorder = latencyRecorder();
    const by: DetectedBy = { heartbeatTimeout: 0, taskTimeout: 0 };
    for (const crash of crashes) {
      recorder.record(crash.ms);
      by[crash.timeout] += 1;
    }
    return { ms: percentiles(recorder.encode()), by };
  }

  /** Every line of the fault log so far, in order. */
  entries(): FaultLogEntry[] {
    return this.log.entries();
  }

  /** Injections by fault name. */
  injected(): Record<string, number> {
    return this.log.injected();
  }

  /** Heals every fault and closes the proxies. */
  async stop(): Promise<void> {
    await this.stopWorkerFaults();
    await this.runner.stop();
    await this.aws.close();
  }
}
