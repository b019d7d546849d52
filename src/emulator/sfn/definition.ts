import aslValidator from 'asl-validator';
import { AwsError } from '../aws-error.js';

/** One state of an Amazon States Language definition, as far as booksim reads it. */
export interface StateDefinition {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSecondsPath?: string;
  Branches?: MachineDefinition[];
  Iterator?: MachineDefinition;
  ItemProcessor?: MachineDefinition;
  [field: string]: unknown;
}

/** An ASL definition (top level, or a Parallel branch / Map iterator). */
export interface MachineDefinition {
  StartAt: string;
  States: Record<string, StateDefinition>;
  TimeoutSeconds?: number;
  [field: string]: unknown;
}

/**
 * Parses and validates a definition with asl-validator, as AWS does on
 * CreateStateMachine; throws InvalidDefinition with the validator's reasons.
 */
export function parseDefinition(text: string): MachineDefinition {
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    throw new AwsError('InvalidDefinition', `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ${(error as Error).message}'`);
  }
  const { isValid, errorsText } = aslValidator(definition as never, { checkArn: true, checkPaths: true });
  if (!isValid) throw new AwsError('InvalidDefinition', `Invalid State Machine Definition: '${errorsText('; ')}'`);
  return definition as MachineDefinition;
}

/** The state machines nested in a state: a Parallel's branches, a Map's iterator. */
function nestedMachines(state: StateDefinition): MachineDefinition[] {
  return [...(state.Branches ?? []), ...(state.Iterator ? [state.Iterator] : []), ...(state.ItemProcessor ? [state.ItemProcessor] : [])];
}

/** Every Task state of a definition, nested branches and iterators included, by name (ASL names are unique). */
export function taskStates(definition: MachineDefinition): Map<string, StateDefinition> {
  const tasks = new Map<string, StateDefinition>();
  const visit = (machine: MachineDefinition) => {
    for (const [name, state] of Object.entries(machine.States)) {
      if (state.Type === 'Task') tasks.set(name, state);
      nestedMachines(state).forEach(visit);
    }
  };
  visit(definition);
  return tasks;
}

/** For each Parallel state of a definition (nested ones included), the names of the Task states anywhere in its branches. */
export function tasksOfParallels(definition: MachineDefinition): Map<string, Set<string>> {
  const parallels = new Map<string, Set<string>>();
  const visit = (machine: MachineDefinition) => {
    for (const [name, state] of Object.entries(machine.States)) {
      if (state.Type === 'Parallel') parallels.set(name, new Set(nestedMachines(state).flatMap((nested) => [...taskStates(nested).keys()])));
      nestedMachines(state).forEach(visit);
    }
  };
  visit(definition);
  return parallels;
}

/**
 * Longest timer Node can set (setTimeout caps at 2^31-1 ms): what the interpreter is told
 * for every task, so that booksim's own clock, not the interpreter's real-time timers,
 * decides task and execution timeouts.
 */
const interpreterTaskTimeoutSeconds = 2_000_000;

/**
 * How a missed heartbeat is named to the interpreter: `States.HeartbeatTimeout`, which on
 * AWS exists only in Retry and Catch, where it matches heartbeat timeouts alone, while
 * `States.Timeout` matches both kinds. History and the execution's failure say
 * States.Timeout for both, as AWS does.
 */
export const heartbeatTimeoutError = 'States.HeartbeatTimeout';

interface ErrorMatcher {
  ErrorEquals: string[];
  [field: string]: unknown;
}

/** A Retry or Catch entry as the interpreter must read it: one naming States.Timeout also matches a missed heartbeat. */
const withHeartbeatTimeout = (matcher: ErrorMatcher): ErrorMatcher =>
  matcher.ErrorEquals.includes('States.Timeout') && !matcher.ErrorEquals.includes(heartbeatTimeoutError) ? { ...matcher, ErrorEquals: [...matcher.ErrorEquals, heartbeatTimeoutError] } : matcher;

/**
 * A copy of the definition for aws-local-stepfunctions: booksim owns every timeout, and
 * every Retry or Catch naming States.Timeout names the missed heartbeat too.
 */
export function interpreterDefinition(definition: MachineDefinition): MachineDefinition {
  const strip = (machine: MachineDefinition, top: boolean): MachineDefinition => {
    const copy: MachineDefinition = { ...machine, States: {} };
    if (top) delete copy.TimeoutSeconds;
    for (const [name, state] of Object.entries(machine.States)) {
      const next: StateDefinition = { ...state };
      if (state.Type === 'Task') {
        next.TimeoutSeconds = interpreterTaskTimeoutSeconds;
        delete next.HeartbeatSeconds;
        delete next.TimeoutSecondsPath;
        delete next.HeartbeatSecondsPath;
        if (state.TimeoutSecondsPath !== undefined || state.HeartbeatSecondsPath !== undefined) next.Parameters = withTimingPaths(state);
      }
      if (Array.isArray(state.Retry)) next.Retry = (state.Retry as ErrorMatcher[]).map(withHeartbeatTimeout);
      if (Array.isArray(state.Catch)) next.Catch = (state.Catch as ErrorMatcher[]).map(withHeartbeatTimeout);
      if (state.Branches) next.Branches = state.Branches.map((branch) => strip(branch, false));
      if (state.Iterator) next.Iterator = strip(state.Iterator, false);
      if (state.ItemProcessor) next.ItemProcessor = strip(state.ItemProcessor, false);
      copy.States[name] = next;
    }
    return copy;
  };
  return strip(definition, true);
}

/**
 * Keys under which the interpreter hands a Task with TimeoutSecondsPath or
 * HeartbeatSecondsPath its parameters and the values those paths select. The paths read the
 * state's input, as Parameters do, so the interpreter resolves all of them in one pass.
 */
const timing = { parameters: 'booksim:parameters', timeoutSeconds: 'booksim:timeoutSeconds', heartbeatSeconds: 'booksim:heartbeatSeconds' } as const;

function withTimingPaths(state: StateDefinition): Record<string, unknown> {
  return {
    ...(state.Parameters === undefined ? { [`${timing.parameters}.$`]: '$' } : { [timing.parameters]: state.Parameters }),
    ...(state.TimeoutSecondsPath === undefined ? {} : { [`${timing.timeoutSeconds}.$`]: state.TimeoutSecondsPath }),
    ...(state.HeartbeatSecondsPath === undefined ? {} : { [`${timing.heartbeatSeconds}.$`]: state.HeartbeatSecondsPath }),
  };
}

/** A Task's input and timeouts, with the values of TimeoutSecondsPath and HeartbeatSecondsPath resolved. */
export interface TaskTiming {
  input: unknown;
  timeoutSeconds?: number | undefined;
  heartbeatSeconds?: number | undefined;
}

/**
 * The input and timeouts of a Task as the interpreter handed them over. Throws a message
 * (AWS fails the execution with States.Runtime) when a path selects no positive integer.
 */
export function taskTiming(state: StateDefinition, handed: unknown): TaskTiming {
  if (state.TimeoutSecondsPath === undefined && state.HeartbeatSecondsPath === undefined) {
    return { input: handed, timeoutSeconds: state.TimeoutSeconds, heartbeatSeconds: state.HeartbeatSeconds };
  }
  const wrapped = handed as Record<string, unknown>;
  const seconds = (key: string, field: string, path: string | undefined, fixed: number | undefined) => {
    if (path === undefined) return fixed;
    const value = wrapped[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new Error(`The value selected by ${field} '${path}' must be a positive integer, not ${JSON.stringify(value ?? null)}.`);
    }
    return value;
  };
  return {
    input: wrapped[timing.parameters],
    timeoutSeconds: seconds(timing.timeoutSeconds, 'TimeoutSecondsPath', state.TimeoutSecondsPath, state.TimeoutSeconds),
    heartbeatSeconds: seconds(timing.heartbeatSeconds, 'HeartbeatSecondsPath', state.HeartbeatSecondsPath, state.HeartbeatSeconds),
  };
}
