import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { AwsFaultRule, ChaosProxy } from '../../src/faults/aws/proxy.js';
import { AwsFaultRules } from '../../src/faults/aws/rules.js';
import { GatewayFaultRules } from '../../src/faults/gateway/rules.js';
import { faultPackages, planFaults } from '../../src/faults/registry.js';
import { FaultRunner } from '../../src/faults/runner.js';
import { parseFaultSpec } from '../../src/faults/spec.js';
import { WorkerFaultHost } from '../../src/faults/worker/host.js';
import type { FaultRequest } from '../../src/gateway/fault-policy.js';
import { faultNames, type FaultLogEntry, type FaultName } from '../../src/model/fault.js';
import type { Supervisor } from '../../src/runtime/supervisor.js';
import type { WorkerSettings } from '../../src/runtime/worker-messages.js';

const charge: FaultRequest = { kind: 'charge', bookingId: 'B1', amount: 100, attempt: 1 };
const refund: FaultRequest = { ...charge, kind: 'refund' };

/** Everything a fault can inject into, with what each records: the gateway's policy, one proxy's rules, a supervisor's settings, listeners and signals, Step Functions calls. */
function contexts() {
  const clock = new ManualClock();
  const log: Array<Omit<FaultLogEntry, 'at'>> = [];
  const push = (entry: Omit<FaultLogEntry, 'at'>) => void log.push(entry);
  const gateway = new GatewayFaultRules(() => 0, push);
  let proxyRules: AwsFaultRule[] = [];
  const aws = new AwsFaultRules();
  aws.attach({ setRules: (rules: AwsFaultRule[]) => (proxyRules = [...rules]) } as unknown as ChaosProxy);
  const events = new EventEmitter();
  const signals: string[] = [];
  let settings: WorkerSettings = {};
  const supervisor = {
    planned: () => [{ function: 'inventory', processes: 1 }],
    running: () => [{ pid: 42, function: 'inventory' }],
    configure: (next: WorkerSettings) => (settings = { ...settings, ...next, faults: { ...settings.faults, ...next.faults } }),
    kill: (pid: number, signal: string) => signals.push(`${signal} ${pid}`) > 0,
    scale: async () => ({ started: [], retired: [] }),
    on: (event: string, listener: () => void) => events.on(event, listener),
    off: (event: string, listener: () => void) => events.off(event, listener),
  } as unknown as Supervisor;
  const sfnCalls: string[] = [];
  const clients = { sfn: { send: async (command: object) => (sfnCalls.push(command.constructor.name), { executions: [] }) } } as never;
  const worker = new WorkerFaultHost({ supervisor, clients, stateMachineArn: 'arn', profile: 'fast', random: () => 0, log: push, clock });
  const listeners = () => events.eventNames().reduce((n, name) => n + events.listenerCount(name), 0) - 1; // less the host's own 'fault' listener
  return { clock, log, push, gateway, aws, worker, proxyRules: () => proxyRules, settings: () => settings, signals, sfnCalls, listeners };
}
type Contexts = ReturnType<typeof contexts>;

/** For each fault: a spec that makes it strike at once, and whether it injects now. */
const strikes: Record<FaultName, { spec: string; injecting(c: Contexts): boolean }> = {
  'payment-decline': { spec: 'payment-decline:rate=1', injecting: (c) => c.gateway.policy(charge) !== undefined },
  'gateway-error': { spec: 'gateway-error:rate=1', injecting: (c) => c.gateway.policy(charge) !== undefined },
  'gateway-lost-response': { spec: 'gateway-lost-response:rate=1', injecting: (c) => c.gateway.policy(charge) !== undefined },
  'refund-timeout': { spec: 'refund-timeout', injecting: (c) => c.gateway.policy(refund) !== undefined },
  'aws-latency': { spec: 'aws-latency', injecting: (c) => c.proxyRules().some((rule) => rule.fault === 'aws-latency') },
  'aws-throttle': { spec: 'aws-throttle', injecting: (c) => c.proxyRules().some((rule) => rule.fault === 'aws-throttle') },
  'aws-error': { spec: 'aws-error', injecting: (c) => c.proxyRules().some((rule) => rule.fault === 'aws-error') },
  'aws-drop': { spec: 'aws-drop', injecting: (c) => c.proxyRules().some((rule) => rule.fault === 'aws-drop') },
  'aws-lost-response': { spec: 'aws-lost-response', injecting: (c) => c.proxyRules().some((rule) => rule.fault === 'aws-lost-response') },
  'duplicate-delivery': { spec: 'duplicate-delivery', injecting: (c) => (c.settings().faults?.duplicateDeliveryRate ?? 0) > 0 },
  'late-delivery': { spec: 'late-delivery', injecting: (c) => (c.settings().faults?.lateDelivery?.rate ?? 0) > 0 },
  'cold-start': { spec: 'cold-start', injecting: (c) => (c.settings().coldStartMs ?? 0) > 0 },
  'slow-task': { spec: 'slow-task', injecting: (c) => (c.settings().faults?.slowTask?.IssueTicket?.ms ?? 0) > 0 },
  'stuck-task': { spec: 'stuck-task', injecting: (c) => (c.settings().faults?.stuckTask?.IssueTicket ?? 0) > 0 },
  'crash-mid-heartbeat': { spec: 'crash-mid-heartbeat', injecting: (c) => c.listeners() > 0 && (c.settings().faults?.taskWorkMs?.IssueTicket ?? 0) > 0 },
  'worker-hang': { spec: 'worker-hang:function=inventory', injecting: (c) => c.signals.at(-1) === 'SIGSTOP 42' },
  // Injecting while the next kill falls due as the clock moves on.
  'worker-crash': {
    spec: 'worker-crash:times=3,every=1s',
    injecting: (c) => {
      const kills = c.signals.length;
      c.clock.advance(1000);
      return c.signals.length > kills && c.signals.at(-1) === 'SIGKILL 42';
    },
  },
  'stop-execution': { spec: 'stop-execution:rate=10', injecting: (c) => c.sfnCalls.length > 0 },
};

describe('the fault registry', () => {
  it('when a fault is in the catalog, the registry has its package under its name', () => {
    expect(Object.keys(faultPackages)).toEqual(faultNames);
    for (const name of faultNames) expect(faultPackages[name].name).toBe(name);
  });

  it.each(faultNames)('when %s is started, it injects and logs that it started; healed, it stops injecting and logs the heal', async (name) => {
    const c = contexts();
    const runner = new FaultRunner(planFaults([parseFaultSpec(strikes[name].spec)]), c.clock, c.push);
    runner.loadStarted(c);
    await Promise.resolve();
    expect(strikes[name].injecting(c)).toBe(true);
    expect(c.log.filter((entry) => entry.phase === 'started').map((entry) => entry.fault)).toEqual([name]);

    await runner.stop();
    c.sfnCalls.length = 0;
    c.clock.advance(60_000);
    expect(strikes[name].injecting(c)).toBe(false);
    expect(c.log.filter((entry) => entry.phase === 'healed')).toEqual([expect.objectContaining({ fault: name, action: 'healed at the end of the run' })]);
    // A hung worker is resumed by the heal.
    if (name === 'worker-hang') expect(c.signals.at(-1)).toBe('SIGCONT 42');
  });

  it('when a fault has a window, it starts when the window opens and heals when it closes, and the log says so then', () => {
    const c = contexts();
    const started = c.clock.now();
    const log: Array<{ atMs: number; phase?: string; action: string }> = [];
    new FaultRunner(planFaults([parseFaultSpec('payment-decline:rate=1,from=1s,for=2s')]), c.clock, (entry) => log.push({ atMs: c.clock.now() - started, phase: entry.phase, action: entry.action })).loadStarted(c);
    c.clock.advance(999);
    expect(c.gateway.policy(charge)).toBeUndefined();
    c.clock.advance(1);
    expect(c.gateway.policy(charge)).toBeDefined();
    c.clock.advance(2000);
    expect(c.gateway.policy(charge)).toBeUndefined();
    expect(log).toEqual([
      { atMs: 1000, phase: 'started', action: 'started (rate=1,from=1s,for=2s)' },
      { atMs: 3000, phase: 'healed', action: 'healed after 2000 ms' },
    ]);
  });

  it('when faults open from the start are started ahead of the load, they inject before it, once; windows still count from the load', () => {
    const c = contexts();
    const runner = new FaultRunner(planFaults([parseFaultSpec('aws-error:rate=1,for=1s'), parseFaultSpec('payment-decline:rate=1,from=1s')]), c.clock, c.push);
    runner.startAhead({ gateway: c.gateway, aws: c.aws });
    expect(strikes['aws-error'].injecting(c)).toBe(true);
    expect(c.gateway.policy(charge)).toBeUndefined();
    c.clock.advance(5000);
    runner.loadStarted({});
    expect(c.log.filter((entry) => entry.phase === 'started').map((entry) => entry.fault)).toEqual(['aws-error']);
    c.clock.advance(999);
    expect(strikes['aws-error'].injecting(c)).toBe(true);
    c.clock.advance(1);
    expect(strikes['aws-error'].injecting(c)).toBe(false);
    expect(c.gateway.policy(charge)).toBeDefined();
  });

  it('when a fault cannot start, the log says so and the others run', () => {
    const c = contexts();
    new FaultRunner(planFaults([parseFaultSpec('cold-start'), parseFaultSpec('payment-decline:rate=1')]), c.clock, c.push).loadStarted({ gateway: c.gateway });
    expect(c.log.map((entry) => [entry.fault, entry.phase])).toEqual([
      ['cold-start', 'failed'],
      ['payment-decline', 'started'],
    ]);
  });
});
