import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { sagaShape, sagaTasks, type SagaTask } from '../deploy/saga.js';
import type { Branch } from '../model/asl.js';
import { latencyRecorder, percentiles, type LatencyRecorder } from '../load/histograms.js';
import type { Tier } from '../model/booking.js';
import type { SagaPath, SagaPathSegment, SagaStepSummary, SagaSummary } from '../model/run.js';
import type { RunHistograms, SagaStepHistograms } from '../run-dir/schema.js';
import { visitsOfHistory, type HistoryVisits, type StateVisit } from './saga-visits.js';

/**
 * Where the saga's time went in a run (docs/design.md, Measurement): every execution's
 * history read into its Task states' visits (./saga-visits.ts), and those summed up per
 * state into HDR histograms of waiting for a worker, working, backing off between retries
 * and the whole time in the state, overall and per tier. Pure.
 */

/** One execution of the saga as read: its name (a bookingId, or `<bookingId>-r<n>` for a reconciler restart), status and events. */
export interface ExecutionHistory {
  name: string;
  bookingId: string;
  status: string;
  events: readonly HistoryEvent[];
}

/** What the histories come to: the summary (run.json), the histograms (histograms.json) and what cost needs per booking. */
export interface SagaSteps {
  summary: SagaSummary;
  histograms: NonNullable<RunHistograms['sagaSteps']>;
  /** State transitions as Step Functions Standard bills them, summed over each booking's executions (restarts included). */
  stateTransitionsByBooking: Record<string, number>;
}

/**
 * The saga's Task states in the order its definition lists them (the fast path's branches
 * where the Parallel is), with the activity each runs (none for the escalations' SQS
 * sends), whichever profile: profiles change timings, not states.
 */
export const sagaTaskStateActivities: ReadonlyArray<{ state: string; activity?: SagaTask }> = (() => {
  const taskStates = (branch: Branch): Array<{ state: string; activity?: SagaTask }> =>
    Object.entries(branch.States).flatMap(([state, definition]) => {
      if (definition.Type === 'Parallel') return definition.Branches.flatMap(taskStates);
      if (definition.Type !== 'Task') return [];
      const activity = sagaTasks.find((task) => task === definition.Resource);
      return [{ state, ...(activity ? { activity } : {}) }];
    });
  return taskStates(sagaShape('fast'));
})();

/** The saga's Task states' names, in definition order. */
export const sagaTaskStates: readonly string[] = sagaTaskStateActivities.map(({ state }) => state);

/** The saga's compensating steps: an execution that entered one undid something. */
const compensatingStates: ReadonlySet<string> = new Set(['RefundPayment', 'ReleaseSeat']);

const phases = ['wait', 'work', 'backoff', 'total'] as const;
type Phase = (typeof phases)[number];
type Recorders = Record<Phase, LatencyRecorder>;

const recorders = (): Recorders => Object.fromEntries(phases.map((phase) => [phase, latencyRecorder()])) as Recorders;

/** One state's figures as they are gathered. */
interface StepTally {
  entered: number;
  failed: number;
  retries: number;
  failures: Record<string, number>;
  all: Recorders;
  byTier: Partial<Record<Tier, Recorders>>;
}

/**
 * Sums up the executions of a run: per Task state, in `stateOrder` (states it does not name
 * come after, by name), the visits, failed visits, retries, failures by error, and the
 * wait, work, backoff and time-in-state histograms; the slowest state (highest p99 time in
 * state); the executions at the median and p99 duration as paths; the state transitions.
 * `tierOf` gives a booking's tier (unknown tiers count in the totals only).
 */
export function sagaSteps(executions: readonly ExecutionHistory[], tierOf: (bookingId: string) => Tier | undefined, stateOrder: readonly string[] = sagaTaskStates): SagaSteps {
  const tallies = new Map<string, StepTally>();
  const byStatus: Record<string, number> = {};
  const stateTransitionsByBooking: Record<string, number> = {};
  const durations: Array<{ bookingId: string; read: HistoryVisits; durationMs: number }> = [];
  let stateTransitions = 0;
  let compensated = 0;
  for (const execution of executions) {
    const read = visitsOfHistory(execution.events);
    byStatus[execution.status] = (byStatus[execution.status] ?? 0) + 1;
    stateTransitions += read.stateTransitions;
    stateTransitionsByBooking[execution.bookingId] = (stateTransitionsByBooking[execution.bookingId] ?? 0) + read.stateTransitions;
    if (read.visits.some((visit) => compensatingStates.has(visit.state))) compensated += 1;
    if (read.startedAt !== undefined && read.endedAt !== undefined) durations.push({ bookingId: execution.bookingId, read, durationMs: read.endedAt - read.startedAt });
    const tier = tierOf(execution.bookingId);
    for (const visit of read.visits) tally(tallies, visit, tier);
  }
  const rank = (state: string) => (stateOrder.includes(state) ? stateOrder.indexOf(state) : stateOrder.length);
  const states = [...tallies.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const histograms: SagaSteps['histograms'] = {};
  const steps = states.map((state) => {
    const step = tallies.get(state)!;
    const encoded = encode(step.all);
    const byTier = Object.entries(step.byTier).map(([tier, tierRecorders]) => [tier, encode(tierRecorders)] as const);
    histograms[state] = { ...encoded, ...(byTier.length > 0 ? { byTier: Object.fromEntries(byTier) } : {}) };
    return stepSummary(state, step, encoded);
  });
  const slowest = steps.reduce<SagaStepSummary | undefined>((worst, step) => (worst === undefined || step.total.p99 > worst.total.p99 ? step : worst), undefined);
  const paths = medianAndTail(durations);
  return {
    summary: {
      executions: executions.length,
      byStatus,
      stateTransitions,
      compensated,
      steps,
      ...(slowest ? { slowest: slowest.state } : {}),
      ...(paths ? { paths } : {}),
    },
    histograms,
    stateTransitionsByBooking,
  };
}

/** Adds one visit to its state's tally, overall and in its tier's. */
function tally(tallies: Map<string, StepTally>, visit: StateVisit, tier: Tier | undefined): void {
  let step = tallies.get(visit.state);
  if (!step) tallies.set(visit.state, (step = { entered: 0, failed: 0, retries: 0, failures: {}, all: recorders(), byTier: {} }));
  step.entered += 1;
  step.retries += Math.max(0, visit.attempts.length - 1);
  const last = visit.attempts.at(-1);
  if (last?.outcome === 'failed' || last?.outcome === 'timed-out') step.failed += 1;
  for (const attempt of visit.attempts) if (attempt.error !== undefined) step.failures[attempt.error] = (step.failures[attempt.error] ?? 0) + 1;
  const targets = [step.all, ...(tier ? [(step.byTier[tier] ??= recorders())] : [])];
  const record = (phase: Phase, ms: number) => targets.forEach((target) => target[phase].record(Math.max(0, ms)));
  for (const segment of segmentsOf(visit, 0)) record(segment.phase, segment.endMs - segment.startMs);
  if (visit.leftAt !== undefined) record('total', visit.leftAt - visit.enteredAt);
}

/**
 * A visit's stretches, in ms from `originMs`: per attempt, scheduled → started (wait: no
 * worker had taken it; all of it for an attempt no worker took), started → ended (work),
 * and ended → the next attempt's schedule (backoff). Attempts still running or cut short
 * (aborted) give only their wait.
 */
function segmentsOf(visit: StateVisit, originMs: number): SagaPathSegment[] {
  const segments: SagaPathSegment[] = [];
  const add = (phase: SagaPathSegment['phase'], from: number, to: number) => segments.push({ state: visit.state, phase, startMs: from - originMs, endMs: to - originMs });
  visit.attempts.forEach((attempt, index) => {
    const counted = attempt.endedAt !== undefined && attempt.outcome !== 'aborted';
    if (attempt.startedAt !== undefined) add('wait', attempt.scheduledAt, attempt.startedAt);
    else if (counted) add('wait', attempt.scheduledAt, attempt.endedAt!);
    if (attempt.startedAt !== undefined && counted) add('work', attempt.startedAt, attempt.endedAt!);
    const next = visit.attempts[index + 1];
    if (next && attempt.endedAt !== undefined) add('backoff', attempt.endedAt, next.scheduledAt);
  });
  return segments;
}

function encode(of: Recorders): SagaStepHistograms {
  return { wait: of.wait.encode(), work: of.work.encode(), backoff: of.backoff.encode(), total: of.total.encode() };
}

function stepSummary(state: string, step: StepTally, encoded: SagaStepHistograms): SagaStepSummary {
  return {
    state,
    entered: step.entered,
    failed: step.failed,
    retries: step.retries,
    failures: step.failures,
    wait: percentiles(encoded.wait),
    work: percentiles(encoded.work),
    backoff: percentiles(encoded.backoff),
    total: percentiles(encoded.total),
  };
}

/** The ended executions at the median and at the p99 of duration (nearest rank), as paths; undefined when none ended. */
function medianAndTail(durations: Array<{ bookingId: string; read: HistoryVisits; durationMs: number }>): SagaSummary['paths'] {
  if (durations.length === 0) return undefined;
  const sorted = [...durations].sort((a, b) => a.durationMs - b.durationMs);
  const at = (quantile: number) => sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)]!;
  const path = ({ bookingId, read, durationMs }: (typeof sorted)[number]): SagaPath => ({
    bookingId,
    durationMs,
    segments: read.visits.flatMap((visit) => segmentsOf(visit, read.startedAt!)),
  });
  return { p50: path(at(0.5)), p99: path(at(0.99)) };
}
