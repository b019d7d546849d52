import type { Branch, State, TaskState } from '../model/asl.js';

/**
 * The longest a Task state can run: every attempt lasts its full TimeoutSeconds and
 * every retrier it has is used up, each retry after its back-off. Retriers count apart,
 * as AWS counts them, so different errors can use each one in turn.
 * Throws for a Task without TimeoutSeconds, whose worst case is unbounded.
 */
function taskWorstCaseSeconds(name: string, state: TaskState): number {
  if (state.TimeoutSeconds === undefined) throw new Error(`Task state ${name} has no TimeoutSeconds: its duration is unbounded.`);
  const attemptSeconds = state.TimeoutSeconds;
  return (state.Retry ?? []).reduce((seconds, { IntervalSeconds, BackoffRate, MaxAttempts }) => {
    const backoffSeconds = BackoffRate === 1 ? IntervalSeconds * MaxAttempts : (IntervalSeconds * (BackoffRate ** MaxAttempts - 1)) / (BackoffRate - 1);
    return seconds + MaxAttempts * attemptSeconds + backoffSeconds;
  }, attemptSeconds);
}

/** Every state a state can hand over to: its Next, each Catch target, each Choice and the Default; none after End. */
function successors(state: State): string[] {
  switch (state.Type) {
    case 'Task':
    case 'Parallel':
      return [...(state.Next === undefined ? [] : [state.Next]), ...(state.Catch ?? []).map((catcher) => catcher.Next)];
    case 'Pass':
      return state.Next === undefined ? [] : [state.Next];
    case 'Choice':
      return [...state.Choices.map((rule) => rule.Next), ...(state.Default === undefined ? [] : [state.Default])];
    case 'Succeed':
    case 'Fail':
      return [];
  }
}

/** A state's own worst case: a Task's attempts, a Parallel's slowest branch; other states take no time worth counting. */
function stateWorstCaseSeconds(name: string, state: State): number {
  if (state.Type === 'Task') return taskWorstCaseSeconds(name, state);
  if (state.Type === 'Parallel') return Math.max(0, ...state.Branches.map(worstCaseSeconds));
  return 0;
}

/**
 * The worst-case duration of an execution (or of a Parallel branch): the longest path
 * from StartAt, each state weighted by {@link stateWorstCaseSeconds}.
 * Throws if the states form a loop (no bound) or a transition names a missing state.
 */
export function worstCaseSeconds(definition: Branch): number {
  const longest = new Map<string, number>();
  const onPath = new Set<string>();
  const from = (name: string): number => {
    const known = longest.get(name);
    if (known !== undefined) return known;
    const state = definition.States[name];
    if (!state) throw new Error(`The definition moves to ${name}, which is not one of its states.`);
    if (onPath.has(name)) throw new Error(`The definition loops through ${name}: its duration is unbounded.`);
    onPath.add(name);
    const own = stateWorstCaseSeconds(name, state);
    const seconds = own + Math.max(0, ...successors(state).map(from));
    onPath.delete(name);
    longest.set(name, seconds);
    return seconds;
  };
  return from(definition.StartAt);
}
