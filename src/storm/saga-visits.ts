import type { HistoryEvent } from '@aws-sdk/client-sfn';

/**
 * One execution's history (GetExecutionHistory's events, oldest first) read into the Task
 * states it went through: each visit of a state, and each attempt of its task (scheduled,
 * started, ended) with the error of an attempt that failed. Pure.
 */

/** How an attempt ended: `aborted` when its state was cut short (a Parallel that failed, an execution that stopped). */
export type AttemptOutcome = 'succeeded' | 'failed' | 'timed-out' | 'aborted';

/** One attempt of a Task state's task; times are epoch ms. */
export interface TaskAttempt {
  scheduledAt: number;
  /** When a worker took it; absent when none did (it timed out waiting, or could not be scheduled). */
  startedAt?: number;
  /** Absent while it runs. */
  endedAt?: number;
  outcome?: AttemptOutcome;
  /** The error of a failed or timed-out attempt: States.Timeout, PaymentDeclined, … */
  error?: string;
}

/** One entry into a Task state, up to when it was left (absent while the execution runs). */
export interface StateVisit {
  state: string;
  enteredAt: number;
  leftAt?: number;
  attempts: TaskAttempt[];
}

/** What one history says of its Task states, and what Step Functions bills for it. */
export interface HistoryVisits {
  visits: StateVisit[];
  /** ExecutionStarted, and the event that ended the execution (absent while it runs). */
  startedAt?: number;
  endedAt?: number;
  /**
   * State transitions as Step Functions Standard bills them: one for each state entered,
   * and one for each retry ("If you include retry error handling in any steps of your
   * workflow, each retry will be charged as an additional state transition",
   * https://aws.amazon.com/step-functions/pricing/).
   */
  stateTransitions: number;
}

const scheduledTypes = new Set(['ActivityScheduled', 'TaskScheduled']);
/** Events that begin an attempt: a schedule, or a schedule that failed (an attempt that ends as it begins). */
const opensAttempt = new Set([...scheduledTypes, 'ActivityScheduleFailed']);
const startedTypes = new Set(['ActivityStarted', 'TaskStarted']);
const endTypes: Record<string, Exclude<AttemptOutcome, 'aborted'>> = {
  ActivitySucceeded: 'succeeded',
  TaskSucceeded: 'succeeded',
  ActivityFailed: 'failed',
  ActivityScheduleFailed: 'failed',
  TaskFailed: 'failed',
  TaskStartFailed: 'failed',
  TaskSubmitFailed: 'failed',
  ActivityTimedOut: 'timed-out',
  TaskTimedOut: 'timed-out',
};
const executionEnds = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);
/** The end of a Parallel state: whatever its branches still run is left with it. */
const parallelEnds = new Set(['ParallelStateFailed', 'ParallelStateAborted', 'ParallelStateExited']);

const timeOf = (event: HistoryEvent) => event.timestamp?.getTime() ?? 0;

/** The `<type>EventDetails` of an event, whatever its type. */
function detailsOf(event: HistoryEvent): Record<string, unknown> {
  const found = Object.entries(event).find(([key, value]) => key.endsWith('EventDetails') && typeof value === 'object' && value !== null);
  return (found?.[1] as Record<string, unknown> | undefined) ?? {};
}
const detail = (event: HistoryEvent, key: string) => {
  const value = detailsOf(event)[key];
  return typeof value === 'string' ? value : undefined;
};

const lastAttempt = (visit: StateVisit) => visit.attempts.at(-1);
const unfinished = (visit: StateVisit) => lastAttempt(visit) !== undefined && lastAttempt(visit)!.endedAt === undefined;

/** A visit being read: the resource its task runs (learned from its first schedule), to tell interleaved Parallel branches apart. */
interface OpenVisit {
  visit: StateVisit;
  resource?: string;
}

/**
 * Reads a history into visits. Events are paired with their state by `previousEventId`
 * where the history chains it as AWS does (each event points at the one it follows in its
 * own branch). Where every event simply points at the one before (booksim local), the
 * branches of a Parallel state interleave, and an event is given to the open state that
 * can take it: a schedule to the state running that resource (or not yet running one), a
 * start to the state whose activity the worker is named after, an end to the state that
 * the next exit or retry names; otherwise to the state that waited longest.
 */
export function visitsOfHistory(events: readonly HistoryEvent[]): HistoryVisits {
  const causal = events.some((event) => event.previousEventId !== undefined && event.id !== undefined && event.previousEventId !== event.id - 1);
  const visits: StateVisit[] = [];
  const byEvent = new Map<number, OpenVisit>();
  let open: OpenVisit[] = [];
  /** How many open visits each Parallel state entered had when it was entered (its branches' visits come after). */
  const parallels: number[] = [];
  let stateTransitions = 0;
  let startedAt: number | undefined;
  let endedAt: number | undefined;

  const close = (leaving: OpenVisit[], at: number) => {
    for (const { visit } of leaving) {
      visit.leftAt = at;
      const attempt = lastAttempt(visit);
      if (attempt && attempt.endedAt === undefined) Object.assign(attempt, { endedAt: at, outcome: 'aborted' });
    }
    open = open.filter((candidate) => !leaving.includes(candidate));
  };

  events.forEach((event, index) => {
    const type = event.type ?? '';
    const at = timeOf(event);
    if (type === 'ExecutionStarted') startedAt = at;
    if (type.endsWith('StateEntered')) stateTransitions += 1;
    if (executionEnds.has(type)) {
      endedAt = at;
      close(open, at);
      return;
    }
    if (parallelEnds.has(type)) {
      // Branches a failed Parallel stopped are left with it; exited normally, none is open. A failed one may be exited too: once is enough.
      const branchesFrom = parallels.pop();
      if (branchesFrom !== undefined) close(open.slice(branchesFrom), at);
      return;
    }
    // Outside a Parallel one state runs at a time: entering the next leaves the last.
    if (type.endsWith('StateEntered') && parallels.length === 0) close(open, at);
    if (type === 'ParallelStateEntered') parallels.push(open.length);
    if (type === 'TaskStateEntered') {
      const visit: StateVisit = { state: detail(event, 'name') ?? 'a task', enteredAt: at, attempts: [] };
      visits.push(visit);
      open.push({ visit });
      if (event.id !== undefined) byEvent.set(event.id, open.at(-1)!);
      return;
    }
    if (type === 'TaskStateExited') {
      const name = detail(event, 'name');
      const leaving = open.find((candidate) => candidate.visit.state === name);
      if (leaving) close([leaving], at);
      return;
    }
    const isTaskEvent = scheduledTypes.has(type) || startedTypes.has(type) || type in endTypes;
    if (!isTaskEvent) return;
    const owner = (causal ? byEvent.get(event.previousEventId ?? -1) : undefined) ?? ownerInOrder(events, index, open);
    if (!owner) return;
    if (event.id !== undefined) byEvent.set(event.id, owner);
    const { visit } = owner;
    if (opensAttempt.has(type)) {
      owner.resource ??= detail(event, 'resource');
      visit.attempts.push({ scheduledAt: at });
      if (visit.attempts.length > 1) stateTransitions += 1;
    }
    const attempt = lastAttempt(visit);
    if (!attempt) return;
    if (startedTypes.has(type)) attempt.startedAt = at;
    const outcome = endTypes[type];
    if (outcome) {
      attempt.endedAt = at;
      attempt.outcome = outcome;
      if (outcome !== 'succeeded') attempt.error = detail(event, 'error') ?? (outcome === 'timed-out' ? 'States.Timeout' : 'unknown');
    }
  });
  return { visits, ...(startedAt !== undefined ? { startedAt } : {}), ...(endedAt !== undefined ? { endedAt } : {}), stateTransitions };
}

/** The last `-` word of an activity's name (`<stack>-IssueTicket` → IssueTicket): what booksim's workers are named after. */
const activityWord = (resource: string | undefined) => resource?.split(':').at(-1)?.split('-').at(-1);

/** The open visit a task event of a history without causal ids belongs to (see {@link visitsOfHistory}). */
function ownerInOrder(events: readonly HistoryEvent[], index: number, open: OpenVisit[]): OpenVisit | undefined {
  const event = events[index]!;
  const type = event.type ?? '';
  if (open.length <= 1) return open[0];
  if (opensAttempt.has(type)) {
    const free = open.filter(({ visit }) => !unfinished(visit));
    const resource = detail(event, 'resource');
    return free.find((candidate) => candidate.resource === resource) ?? free.find((candidate) => candidate.resource === undefined) ?? free[0];
  }
  if (startedTypes.has(type)) {
    const waiting = open.filter(({ visit }) => unfinished(visit) && lastAttempt(visit)!.startedAt === undefined);
    const worker = detail(event, 'workerName') ?? '';
    return waiting.find(({ resource }) => worker.includes(activityWord(resource) ?? '\0')) ?? waiting[0];
  }
  const running = open.filter(({ visit }) => unfinished(visit));
  if (running.length <= 1) return running[0];
  // The next exit or retry that names one of them, before the next attempt ends.
  for (const next of events.slice(index + 1)) {
    if (next.type !== undefined && next.type in endTypes) break;
    const named =
      next.type === 'TaskStateExited'
        ? running.find(({ visit }) => visit.state === detail(next, 'name'))
        : scheduledTypes.has(next.type ?? '')
          ? running.find(({ resource }) => resource !== undefined && resource === detail(next, 'resource'))
          : undefined;
    if (named) return named;
  }
  return running.reduce((oldest, candidate) => (lastAttempt(candidate.visit)!.scheduledAt < lastAttempt(oldest.visit)!.scheduledAt ? candidate : oldest));
}
