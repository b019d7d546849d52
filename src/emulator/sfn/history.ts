import type { Clock } from '../../clock.js';

/** One event of GetExecutionHistory, in AWS's shape (`<type>EventDetails` beside id and timestamp). */
export interface HistoryEvent {
  timestamp: number;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

/** The details key AWS uses for an event type, e.g. ActivityTimedOut → activityTimedOutEventDetails. */
function detailsKey(type: string): string {
  const base = type.replace(/^(Task|Choice|Pass|Wait|Succeed|Fail|Parallel|Map)State(Entered|Exited)$/, 'State$2');
  return `${base[0]!.toLowerCase()}${base.slice(1)}EventDetails`;
}

/** An execution's history: events numbered from 1, each pointing at the one before. */
export class History {
  readonly events: HistoryEvent[] = [];

  constructor(private readonly clock: Clock) {}

  /** Appends an event; `details` go under the key AWS uses for that type. */
  add(type: string, details?: Record<string, unknown>): void {
    const id = this.events.length + 1;
    const event: HistoryEvent = { timestamp: this.clock.now() / 1000, type, id, previousEventId: id - 1 };
    if (details) event[detailsKey(type)] = withPayloadDetails(withoutUndefined(details));
    this.events.push(event);
  }
}

function withoutUndefined(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}

/**
 * Every event that carries an input or an output says whether it was truncated, as AWS's
 * do (`inputDetails`, `outputDetails`); booksim keeps payloads whole (they are within
 * AWS's 256 KB quota, which is where AWS truncates).
 */
function withPayloadDetails(details: Record<string, unknown>): Record<string, unknown> {
  return {
    ...details,
    ...('input' in details ? { inputDetails: { truncated: false } } : {}),
    ...('output' in details ? { outputDetails: { truncated: false } } : {}),
  };
}

/** An event of aws-local-stepfunctions' execution log, as far as booksim reads it. */
export interface InterpreterEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  index?: number;
  parentState?: { name: string };
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
}

/** Text AWS puts in history for a cause: strings as they are, anything else as JSON. */
export function causeText(cause: unknown): string | undefined {
  // A failure without a cause (a timeout) reaches here as an empty message: AWS records no cause then.
  if (cause === undefined || cause === null || cause === '') return undefined;
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
}

/**
 * Writes the state-level events of the interpreter's log as AWS history events
 * (TaskStateEntered, ChoiceStateExited, ParallelStateStarted, MapIterationStarted, …).
 * Execution-level and task-level events are written by the execution and task runner.
 * Remembers which Parallel states failed, because AWS writes ParallelStateSucceeded only
 * for one that did not (the interpreter exits a caught one like a successful one).
 */
export class InterpreterEventRecorder {
  private readonly failedParallels = new Set<string>();

  constructor(private readonly history: History) {}

  record(event: InterpreterEvent): void {
    const state = event.state;
    switch (event.type) {
      case 'StateEntered':
        this.history.add(`${state!.type}StateEntered`, { name: state!.name, input: JSON.stringify(state!.input ?? null) });
        if (state!.type === 'Parallel') this.history.add('ParallelStateStarted');
        return;
      case 'StateFailed':
        if (state!.type !== 'Parallel') return;
        this.failedParallels.add(state!.name);
        // AWS's ParallelStateFailed has no details: the error shows where it is caught, or in ExecutionFailed.
        this.history.add('ParallelStateFailed');
        return;
      case 'StateRetried':
        this.failedParallels.delete(state!.name);
        return;
      case 'StateExited':
        if (state!.type === 'Parallel' && !this.failedParallels.delete(state!.name)) this.history.add('ParallelStateSucceeded');
        this.history.add(`${state!.type}StateExited`, { name: state!.name, output: JSON.stringify(state!.output ?? null) });
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.history.add(event.type, { name: event.parentState?.name, index: event.index });
        return;
      default:
        return;
    }
  }
}
