import chalk from 'chalk';
import { formatDuration } from './html/render-format.js';
import type { CostSummary, DetectedBy, Percentiles, QuiescenceSnapshot, SagaSummary, StormSummary } from '../model/run.js';
import { formatMoney, perMillionText, pricingText } from './cost-text.js';
import type { QuotaHit } from '../model/quotas.js';

const label = (text: string) => chalk.bold(text.padEnd(10));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** A count, in red when it is not zero: errors, non-2xx, undecided bookings. */
const bad = (n: number, what: string) => (n > 0 ? chalk.red(`${n} ${what}`) : `${n} ${what}`);

/** Columns of the percentile table, after the row label and the count. */
const percentileColumns = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
  ['max', 'max'],
] as const;
const rowLabelWidth = 22;
const cellWidth = 10;

/** Milliseconds with one decimal; a dash when nothing was recorded. */
const cell = (value: number, count: number) => (count === 0 || !Number.isFinite(value) ? '–' : value.toFixed(1)).padStart(cellWidth);

function percentileRow(name: string, p: Percentiles): string {
  return `  ${name.padEnd(rowLabelWidth)}${String(p.count).padStart(cellWidth)}${percentileColumns.map(([key]) => cell(p[key], p.count)).join('')}`;
}

/** The latency table: API latency and time-to-decision, with a row per tier. */
function latencyTable(latency: StormSummary['latency']): string[] {
  const header = `  ${'latency (ms)'.padEnd(rowLabelWidth)}${'count'.padStart(cellWidth)}${percentileColumns.map(([, title]) => title.padStart(cellWidth)).join('')}`;
  return [
    chalk.bold(header),
    percentileRow('API', latency.api),
    percentileRow('time to decision', latency.timeToDecision),
    ...Object.entries(latency.timeToDecisionByTier).map(([tier, p]) => percentileRow(`  ${tier}`, p)),
  ];
}

/** Calls per accepted booking, in total and by service; then per confirmed and per rejected booking, and the shared share. */
function awsCallsLines(calls: StormSummary['awsCalls'], accepted: number): string[] {
  const per = (n: number) => (accepted === 0 ? '–' : (n / accepted).toFixed(1));
  const mean = (n: number | null) => (n === null ? '–' : n.toFixed(1));
  const services = Object.entries(calls.byService)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, n]) => `${service} ${per(n)}`)
    .join(', ');
  return [
    `${label('AWS calls')}${calls.total} total, ${chalk.bold(per(calls.total))} per booking${services ? ` (${services})` : ''}`,
    `${label('')}calls per booking: confirmed ${mean(calls.perConfirmed)}, rejected ${chalk.bold(mean(calls.perRejected))}, + ${mean(calls.sharedPerBooking)} shared`,
  ];
}

/** What the run cost at its price table, next to its calls: per booking and per million by service, then per confirmed and rejected booking (each with the shared share). */
function costLines(cost: CostSummary | undefined): string[] {
  if (!cost) return [`${label('cost')}–`];
  const money = (value: number | null) => formatMoney(value, cost.pricing.currency);
  return [
    `${label('cost')}${money(cost.total)} total, ${chalk.bold(money(cost.perBooking))} per booking, ${money(cost.perBooking === null ? null : cost.perBooking * 1_000_000)} per 1,000,000 (${perMillionText(cost)})`,
    `${label('')}cost per booking: confirmed ${money(cost.perConfirmed)}, rejected ${money(cost.perRejected)}, at ${pricingText(cost)}`,
  ];
}

/** The terminal summary of a storm (pure): the run, the load, the outcome, and the latency table. */
export function stormSummaryText(summary: StormSummary): string {
  const { rate, requests, bookings, settle } = summary;
  const share = rate.target > 0 ? ` (${((100 * rate.achieved) / rate.target).toFixed(1)} % of target)` : '';
  const settled = settle.settled ? chalk.green(`settled in ${seconds(settle.waitedMs)}`) : chalk.red(`NOT settled after ${seconds(settle.waitedMs)}`);
  return [
    `${chalk.bold(`storm ${summary.runId}`)}: stack ${summary.stack}${summary.event !== undefined ? `, event ${summary.event}` : ''}, profile ${summary.profile}, seed ${summary.seed}`,
    `${label('endpoint')}${summary.endpoint}`,
    `${label('run dir')}${summary.runDir}`,
    '',
    `${label('load')}${summary.seats} seats, target ${rate.target} rps, achieved ${rate.achieved.toFixed(1)} rps${share} over ${seconds(summary.durationMs)}`,
    `${label('requests')}${requests.sent} sent, ${requests.completed} completed, ${bad(requests.errors, 'errors')}, ${bad(requests.non2xx, 'non-2xx')}`,
    `${label('bookings')}${bookings.accepted} accepted: ${chalk.green(`${bookings.confirmed} confirmed`)}, ${bookings.rejected} rejected, ` +
      `${bookings.paymentFailed} payment failed, ${bookings.escalated} escalated, ${bad(bookings.undecided, 'undecided')}`,
    `${label('seats')}${summary.seatsSold} of ${summary.seats} sold${summary.seatsSoldBefore ? chalk.yellow(` (${summary.seatsSoldBefore} sold before this run)`) : ''}`,
    `${label('settle')}${settled}`,
    ...awsCallsLines(summary.awsCalls, bookings.accepted),
    ...costLines(summary.cost),
    ...quotaLines(summary.quotas),
    ...chaosLines(summary.chaos),
    ...sagaLine(summary.saga),
    '',
    ...latencyTable(summary.latency),
    ...sagaTable(summary.saga),
  ].join('\n');
}

/** "300 transactions per second, per queue and API action" → "300 transactions/s per queue and API action". */
export const shortLimit = (limit: string) => limit.replace(' per second,', '/s');

/** The booking rate a quota was first hit at, or that it was hit after the load (while the system settled), or before the run (on an endpoint that outlived an earlier storm). */
export const hitRateText = (hit: QuotaHit) =>
  hit.afterLoad ? 'hit after the load, while the system settled' : hit.bookingsPerSecondAtFirstHit === undefined ? 'first hit before this run' : `hit at ${hit.bookingsPerSecondAtFirstHit} bookings/s`;

/** Which of AWS's quotas the run hit, one line each, and how to lift it; that none was hit when quotas were on; nothing when they were off. */
function quotaLines(quotas: StormSummary['quotas']): string[] {
  if (!quotas) return [];
  if (quotas.hits.length === 0) return [`${label('quotas')}${chalk.green(`no quota hit (${quotas.region} figures)`)}`];
  return quotas.hits.map((hit, index) => {
    const lift = hit.lift ? `; lift: ${hit.lift}` : '';
    return `${label(index === 0 ? 'quotas' : '')}${hit.resource}: ${shortLimit(hit.limit)} — ${chalk.red(`${hitRateText(hit)}, ${hit.throttled} throttled`)}${lift}`;
  });
}

/** The saga's slowest step (highest p99 time in state), with how its p99s split into waiting for a worker and working; the executions and their state transitions. */
function sagaLine(saga: SagaSummary | undefined): string[] {
  if (!saga) return [];
  const slowest = saga.steps.find((step) => step.state === saga.slowest);
  const executions = `${saga.executions.toLocaleString('en-US')} executions, ${saga.stateTransitions.toLocaleString('en-US')} state transitions`;
  if (!slowest) return [`${label('saga')}${executions}`];
  const split = `wait ${formatDuration(slowest.wait.p99)}, work ${formatDuration(slowest.work.p99)}${slowest.backoff.count > 0 ? `, backoff ${formatDuration(slowest.backoff.p99)}` : ''}`;
  return [`${label('saga')}slowest step ${chalk.bold(slowest.state)}: p99 ${formatDuration(slowest.total.p99)} in state (${split}); ${executions}`];
}

const sagaColumns = ['count', 'wait p50', 'wait p99', 'work p50', 'work p99', 'retries'] as const;

/** Per saga step: times entered, wait and work (per attempt) p50 and p99 in ms, retries, and failed attempts by error. */
function sagaTable(saga: SagaSummary | undefined): string[] {
  if (!saga || saga.steps.length === 0) return [];
  const header = `  ${'saga step (ms)'.padEnd(rowLabelWidth)}${sagaColumns.map((title) => title.padStart(cellWidth)).join('')}  failures`;
  const rows = saga.steps.map((step) => {
    const failures = Object.entries(step.failures).map(([error, n]) => `${error} ${n}`).join(', ');
    const name = step.state === saga.slowest ? chalk.bold(step.state.padEnd(rowLabelWidth)) : step.state.padEnd(rowLabelWidth);
    return (
      `  ${name}${String(step.entered).padStart(cellWidth)}${cell(step.wait.p50, step.wait.count)}${cell(step.wait.p99, step.wait.count)}` +
      `${cell(step.work.p50, step.work.count)}${cell(step.work.p99, step.work.count)}${String(step.retries).padStart(cellWidth)}  ${failures || '–'}`
    );
  });
  return ['', chalk.bold(header), ...rows];
}

/** Which timeouts noticed the crashes, when a task timeout noticed any: a worker without heartbeats is seen late. */
function detectedByText(by: DetectedBy | undefined): string {
  return by && by.taskTimeout > 0 ? `; ${by.heartbeatTimeout} by heartbeat timeout, ${by.taskTimeout} only by task timeout` : '';
}

/** What the faults did: injections by name (and crash detection), and the reconciler's recoveries. */
function chaosLines(chaos: StormSummary['chaos']): string[] {
  if (!chaos) return [];
  const injected = Object.entries(chaos.injected).map(([name, count]) => {
    const detection = name === 'crash-mid-heartbeat' && chaos.detectionMs && chaos.detectionMs.count > 0 ? ` (kill → timeout p50 ${seconds(chaos.detectionMs.p50)}, max ${seconds(chaos.detectionMs.max)}${detectedByText(chaos.detectedBy)})` : '';
    return `${name} ${count}${detection}`;
  });
  const { reconciler } = chaos;
  return [
    ...(chaos.scenario ? [`${label('scenario')}${chaos.scenario}`] : []),
    ...(chaos.sabotage ? [`${label('sabotage')}${chalk.red(chaos.sabotage.join(', '))} (a safeguard switched off on purpose)`] : []),
    ...(chaos.faults.length > 0 ? [`${label('faults')}${injected.length > 0 ? injected.join(', ') : chalk.yellow(`none fired (${chaos.faults.join(' ')})`)}`] : []),
    ...(reconciler ? [`${label('recovered')}reconciler restarted ${reconciler.restarted} sagas, finished ${reconciler.refunded} refunds, gave up on ${reconciler.gaveUp}`] : []),
  ];
}

/** One line of progress while waiting for quiescence: each queue's depth, running sagas, undecided bookings if known, DLQ messages if any. */
export function formatSettleProgress(snapshot: QuiescenceSnapshot, elapsedMs?: number): string {
  const queues = snapshot.queues.map((q) => `${q.name} ${q.visible} waiting, ${q.inFlight} in flight`);
  const sagas = `${snapshot.runningExecutions}${snapshot.moreRunning ? '+' : ''} sagas running`;
  const undecided = snapshot.undecided === undefined ? [] : [`${snapshot.undecided} undecided`];
  const deadLetter = snapshot.deadLetter > 0 ? [chalk.red(`${snapshot.deadLetter} in DLQs`)] : [];
  const after = elapsedMs === undefined ? '' : ` (${seconds(elapsedMs)})`;
  return `settling${after}: ${[...queues, sagas, ...undecided, ...deadLetter].join(' · ')}`;
}
