import { parseFaultSpec } from '../faults/spec.js';
import type { FaultSpec } from '../model/fault.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { LoadShape } from '../model/plan.js';

/** A named preset: a load shape (over storm's defaults; flags given by the user win) and a fault schedule. */
export interface Scenario {
  name: string;
  /** One line for `booksim scenarios`. */
  summary: string;
  shape: Partial<Pick<LoadShape, 'contention' | 'duplicates' | 'vip'>>;
  faults: FaultSpec[];
}

const scenario = (name: string, summary: string, shape: Scenario['shape'], faults: string[]): Scenario => ({ name, summary, shape, faults: faults.map(parseFaultSpec) });

/** Every preset, in the order `booksim scenarios` lists them; `kitchen-sink` is all of them at once. */
export const scenarios: readonly Scenario[] = [
  scenario(
    'duplicates',
    'client retries, SQS/Step Functions duplicate deliveries and late ones: every effect must still happen once, each seat first come, first served',
    { duplicates: 0.3 },
    ['duplicate-delivery:rate=0.3', 'late-delivery:rate=0.2,ms=1500'],
  ),
  scenario('declines', 'the gateway declines a third of the charges: seats pass to the next in line', {}, ['payment-decline:rate=0.35']),
  scenario('lost-responses', 'charges and refunds applied but their answers lost: retries under the same key must not charge twice', {}, ['gateway-lost-response:rate=0.3,on=charge', 'aws-lost-response:rate=0.02,service=dynamodb']),
  scenario('refund-timeouts', 'charges fail until the saga compensates, and its refunds hang past the task timeout for 25 s: bookings escalate, then the reconciler finishes them', {}, [
    'gateway-error:on=charge,rate=0.8,for=12s',
    'refund-timeout:for=25s',
  ]),
  scenario('heartbeat-crash', 'IssueTicket workers SIGKILLed mid-heartbeat: HeartbeatTimeout, retry on a restarted worker', {}, ['crash-mid-heartbeat:after=1,times=2']),
  scenario('throttling', 'AWS calls of the workers throttled and failed at the proxy: SDK retries must absorb them', {}, ['aws-throttle:rate=0.05', 'aws-error:rate=0.02', 'aws-latency:rate=0.1,ms=50']),
  scenario('stuck-orders', 'sagas stopped after they charged (their ticket worker was killed): the reconciler restarts them with the same payment key', {}, [
    'crash-mid-heartbeat:after=1,times=1',
    'stop-execution:count=3,after=1s,in=IssueTicket',
  ]),
  scenario('vip-rush', 'half the customers VIP, three per seat, under declines and a crashed worker: the fast path (payment and seat in parallel) must compensate like the standard one', { vip: 0.5, contention: 3 }, [
    'payment-decline:rate=0.2',
    'crash-mid-heartbeat:after=1,times=1',
  ]),
  scenario('cold-starts', 'workers start cold and are scaled up and down during the run', {}, ['cold-start:ms=1500,scale=both']),
  scenario('slow-step', 'IssueTicket workers take 3 s longer, heartbeating, without an error: the saga steps (summary and report) must name the slow step unprompted', {}, ['slow-task:task=IssueTicket,ms=3000']),
];

const kitchenSink: Scenario = {
  name: 'kitchen-sink',
  summary: 'every fault above at once, at gentler rates',
  shape: { duplicates: 0.2 },
  faults: [
    'duplicate-delivery:rate=0.1',
    'late-delivery:rate=0.1,ms=500',
    'payment-decline:rate=0.2',
    'gateway-lost-response:rate=0.1',
    'refund-timeout:for=10s,rate=0.5',
    'crash-mid-heartbeat:after=1,times=1',
    'aws-throttle:rate=0.02',
    'aws-latency:rate=0.05,ms=50',
    'stop-execution:count=2,after=300ms',
    'cold-start:ms=500',
  ].map(parseFaultSpec),
};

/** Presets and kitchen-sink, for listing. */
export const allScenarios: readonly Scenario[] = [...scenarios, kitchenSink];

/** The preset of that name; a usage error listing them otherwise. */
export function scenarioNamed(name: string): Scenario {
  const found = allScenarios.find((candidate) => candidate.name === name);
  if (!found) throw new BooksimError(`there is no scenario "${name}"`, ExitCode.usage, [`Scenarios: ${allScenarios.map((s) => s.name).join(', ')} (booksim scenarios lists them).`]);
  return found;
}
