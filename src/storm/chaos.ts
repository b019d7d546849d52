import { faultWindowOf, gatewayFaultPolicy } from '../faults/gateway-faults.js';
import { FaultParamReader } from '../faults/spec.js';
import type { FaultLogEntry, FaultLogger, FaultSpec } from '../model/fault.js';
import { awsFaultKinds, startChaosProxy, type AwsFaultKind, type AwsFaultRule, type ChaosProxy } from '../faults/proxy.js';
import { startWorkerChaos, type WorkerChaos } from '../faults/workers.js';
import { parseWorkerFaults, workerFaultNames } from '../faults/worker-fault-plan.js';
import { detectionLatencies } from '../faults/crash-detection.js';
import type { AwsClients } from '../aws/clients.js';
import type { ServiceKey } from '../aws/endpoint.js';
import type { Clock } from '../clock.js';
import { latencyRecorder, percentiles } from '../load/histograms.js';
import { type Percentiles } from '../model/run.js';
import type { RunningSystem } from './system.js';
import type { FaultPolicy } from '../gateway/fault-policy.js';
import { seededRandom, type Random } from '../random.js';
import type { ChaosOptions } from '../model/plan.js';

const isAwsFault = (spec: FaultSpec): spec is FaultSpec & { name: AwsFaultKind } => (awsFaultKinds as readonly string[]).includes(spec.name);

const services = ['sqs', 'sns', 'dynamodb', 'states'] as const;

/**
 * An AWS fault's parameters: `rate` (share of matching calls, default 0.05), `service`
 * (sqs, sns, dynamodb, states; default all), `operation` (e.g. PutItem), `ms` for
 * aws-latency (default 200). The proxy applies them to every worker call for the whole run.
 */
function proxyRuleOf(spec: FaultSpec & { name: AwsFaultKind }): AwsFaultRule {
  const reader = new FaultParamReader(spec);
  const service = spec.params.service === undefined ? undefined : reader.choice('service', services, 'sqs');
  const operation = reader.word('operation');
  const rule: AwsFaultRule = {
    fault: spec.name,
    probability: reader.probability('rate', 0.05),
    ...(service !== undefined ? { service } : {}),
    ...(operation !== undefined ? { operation } : {}),
    ...(spec.name === 'aws-latency' ? { latencyMs: reader.durationMs('ms', 200) } : {}),
  };
  reader.done();
  return rule;
}

/** Checks every fault's parameters (a usage error for a bad one) without starting anything: what a command does before it touches the endpoint. */
export function checkFaults(faults: readonly FaultSpec[]): void {
  gatewayFaultPolicy(faults, { random: () => 1, elapsedMs: () => 0, log: () => {} });
  faults.filter(isAwsFault).forEach(proxyRuleOf);
  parseWorkerFaults(faults);
}

/**
 * A storm's chaos: the fault log, the gateway's fault policy, the chaos proxies in front of
 * the endpoints for the workers' AWS calls, and the heal steps of faults with a window.
 * Every part draws from its own generator seeded from the run's seed, so a seed repeats
 * the faults (given the same timing). Parameters are checked when it is built, before the
 * run starts.
 */
export class StormChaos {
  private readonly log: FaultLogEntry[] = [];
  private loadStartedAt: number | undefined;
  private readonly proxies: ChaosProxy[] = [];
  private readonly heals: Array<{ cancel(): void }> = [];
  readonly gatewayPolicy: FaultPolicy | undefined;
  private readonly proxyRules: AwsFaultRule[];

  constructor(
    readonly options: ChaosOptions,
    private readonly seed: number,
    private readonly clock: Clock,
  ) {
    this.gatewayPolicy = gatewayFaultPolicy(options.faults, { random: this.random(1), elapsedMs: () => this.elapsedMs(), log: this.logger });
    this.proxyRules = options.faults.filter(isAwsFault).map(proxyRuleOf);
    this.hasWorkerFaults = options.faults.some((spec) => workerFaultNames.has(spec.name));
    parseWorkerFaults(options.faults);
  }

  private readonly hasWorkerFaults: boolean;
  private workerChaos: WorkerChaos | undefined;

  /** Starts the faults of the worker processes (duplicates, cold starts, kills, hangs, stopped executions), if any. */
  startWorkerFaults(system: RunningSystem): void {
    if (!this.hasWorkerFaults) return;
    this.workerChaos = startWorkerChaos({
      supervisor: system.supervisor,
      clients: system.context.clients,
      stateMachineArn: system.context.resources.stateMachineArn,
      specs: this.options.faults,
      profile: system.profile,
      random: this.random(3),
      log: this.logger,
      clock: this.clock,
    });
  }

  /** Ends the worker faults (the system settled): hung workers resume, no more kills, scaling or stopped executions. */
  async stopWorkerFaults(): Promise<void> {
    await this.workerChaos?.stop();
    this.workerChaos = undefined;
  }

  /** Crash detection, kill → HeartbeatTimeout in the execution history, for every worker killed mid-task; undefined when none was. */
  async detection(clients: Pick<AwsClients, 'sfn'>): Promise<Percentiles | undefined> {
    const latencies = await detectionLatencies(clients, this.log);
    if (latencies.length === 0) return undefined;
    const recorder = latencyRecorder();
    latencies.forEach((ms) => recorder.record(ms));
    return percentiles(recorder.encode());
  }

  /** A generator of its own for each part, so that one part's draws do not shift another's. */
  random(part: number): Random {
    return seededRandom((this.seed ^ (part * 0x9e3779b1)) >>> 0);
  }

  readonly logger: FaultLogger = (entry) => this.log.push({ at: new Date(this.clock.now()).toISOString(), ...entry });

  /** Time since the load started (0 before): fault windows are measured from it. */
  elapsedMs(): number {
    return this.loadStartedAt === undefined ? 0 : this.clock.now() - this.loadStartedAt;
  }

  /**
   * Starts the proxies when an AWS fault is asked for: one in front of each distinct
   * endpoint (services may have their own), all drawing from one generator and logging to
   * the run's one fault log. Answers each service's endpoint for the workers: its proxy.
   */
  async startProxies(endpoints: Record<ServiceKey, string>): Promise<Record<ServiceKey, string> | undefined> {
    if (this.proxyRules.length === 0) return undefined;
    const random = this.random(2);
    const proxyOf = new Map<string, string>();
    for (const target of new Set(Object.values(endpoints))) {
      const proxy = await startChaosProxy({ target, rules: this.proxyRules, random, log: this.logger });
      this.proxies.push(proxy);
      proxyOf.set(target, proxy.url);
    }
    return Object.fromEntries(Object.entries(endpoints).map(([service, target]) => [service, proxyOf.get(target)!])) as Record<ServiceKey, string>;
  }

  /** The load starts now: windows open, and each fault with an end logs its heal when it comes. */
  loadStarted(): void {
    this.loadStartedAt = this.clock.now();
    for (const spec of this.options.faults) {
      const { fromMs, forMs } = faultWindowOf(spec);
      if (forMs === undefined) continue;
      this.heals.push(this.clock.setTimer(fromMs + forMs, () => this.logger({ fault: spec.name, action: `healed after ${forMs} ms` })));
    }
  }

  /** Every fault injected so far, in order. */
  entries(): FaultLogEntry[] {
    return [...this.log];
  }

  /** Injections by fault name (heals and attempts that failed not counted). */
  injected(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.log) if (!entry.action.startsWith('healed') && !entry.action.startsWith('could not')) counts[entry.fault] = (counts[entry.fault] ?? 0) + 1;
    return counts;
  }

  async stop(): Promise<void> {
    await this.stopWorkerFaults();
    for (const heal of this.heals.splice(0)) heal.cancel();
    await Promise.all(this.proxies.splice(0).map((proxy) => proxy.close()));
  }
}
