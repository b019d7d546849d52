import chalk from 'chalk';
import type { DeployPlan } from '../deploy/deploy.js';
import type { ResourceOutcome } from '../deploy/outcome.js';
import type { EventSales } from '../deploy/events.js';
import type { StackStatus } from '../deploy/status.js';
import type { StackOptions } from '../deploy/stack.js';

const marks: Record<ResourceOutcome['outcome'], string> = {
  created: chalk.green('✔ created  '),
  updated: chalk.yellow('↻ updated  '),
  unchanged: chalk.dim('· unchanged'),
  deleted: chalk.red('✖ deleted  '),
  absent: chalk.dim('· absent   '),
  left: chalk.yellow('⚠ left     '),
};

/** What a deploy is about to do, for its first line: "stack booksim (fifo-fanout, profile fast, high throughput, sabotage no-heartbeat)". */
export function deployingWhat(options: StackOptions): string {
  return `stack ${options.stack} (${options.topology ?? 'fifo-fanout'}, profile ${options.profile}${options.highThroughput ? ', high throughput' : ''}${sabotagePhrase(options.sabotage)})`;
}

/** ", sabotage a, b" for a saga deployed with sabotages; nothing for the correct one. */
const sabotagePhrase = (sabotage: readonly string[] = []): string => (sabotage.length > 0 ? `, sabotage ${sabotage.join(', ')}` : '');

/** One progress line for a resource deploy or destroy just handled. */
export function outcomeLine(outcome: ResourceOutcome): string {
  const detail = outcome.detail ? chalk.dim(` (${outcome.detail})`) : '';
  return `  ${marks[outcome.outcome]}  ${outcome.kind.padEnd(13)} ${outcome.name}${detail}`;
}

/** The closing line of a deploy or destroy: counts by outcome, or that nothing changed. */
export function outcomeSummary(verb: 'deployed' | 'destroyed', stack: string, outcomes: ResourceOutcome[]): string {
  const counts = new Map<string, number>();
  for (const { outcome } of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  const changed = outcomes.some((o) => o.outcome !== 'unchanged' && o.outcome !== 'absent');
  if (!changed) return verb === 'deployed' ? `stack ${stack} is up to date: nothing to change` : `stack ${stack} was not there: nothing to delete`;
  return `stack ${stack} ${verb}: ${[...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ')}`;
}

/** What `deploy --dry-run` prints: the resources in order, then the saga definition. */
export function planText(plan: DeployPlan): string {
  const lines = plan.resources.map((r) => `  ${r.kind.padEnd(13)} ${r.name}`);
  return [
    `plan for stack ${plan.stack} (${plan.topology}, profile ${plan.profile}${plan.highThroughput ? ', high throughput' : ''}${sabotagePhrase(plan.sabotage)}), ${plan.resources.length} resources:`,
    ...lines,
    '',
    'saga definition (activity ARNs shown with a placeholder account):',
    JSON.stringify(plan.definition, null, 2),
  ].join('\n');
}

/** What `booksim status` prints. */
export function statusText(status: StackStatus, endpoint: string): string {
  const header = status.deployed
    ? `stack ${status.stack} at ${endpoint}: deployed, ${status.topology ?? 'unknown topology'}, profile ${status.profile ?? 'unknown'}${status.highThroughput ? `, high throughput ${status.highThroughput}` : ''}${sabotagePhrase(status.sabotage)}`
    : `stack ${status.stack} at ${endpoint}: ${status.resources.some((r) => r.exists) ? 'partly deployed' : 'not deployed'}`;
  const resources = status.resources.map((r) => `  ${r.exists ? chalk.green('✔') : chalk.red('✖ missing')}  ${r.kind.padEnd(13)} ${r.name}`);
  const queues = status.queues.map(
    (q) => `  ${q.name.padEnd(40)} visible ${String(q.visible).padStart(6)}  in flight ${String(q.inFlight).padStart(6)}${q.deadLetters === undefined ? '' : `  DLQ ${String(q.deadLetters).padStart(6)}`}`,
  );
  return [
    header,
    ...resources,
    ...(queues.length > 0 ? ['', 'queues:', ...queues] : []),
    ...(status.runningExecutions !== undefined ? ['', `running saga executions: ${status.runningExecutions}`] : []),
    ...(status.sagaRole !== undefined ? [`saga role: ${status.sagaRole}`] : []),
    ...(status.events !== undefined ? ['', ...eventLines(status.events)] : []),
  ].join('\n');
}

/** The events on the stack, one a line: the seats bookings reached, and how many are sold. */
function eventLines(events: EventSales[]): string[] {
  if (events.length === 0) return ['events: none yet (no booking has reached a seat)'];
  const name = (event: EventSales) => event.event ?? '(before events)';
  const width = Math.max(...events.map((event) => name(event).length));
  return [
    `events (${events.length}; seats that bookings reached):`,
    ...events.map((event) => `  ${name(event).padEnd(width)}  seats ${String(event.seats).padStart(6)}  sold ${String(event.sold).padStart(6)}`),
  ];
}
