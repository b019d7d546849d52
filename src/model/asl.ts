/**
 * The part of the Amazon States Language that booksim writes: Task, Parallel, Choice,
 * Pass, Succeed and Fail states with explicit Retry and Catch. The emulator has its own, looser reading of
 * ASL; deploy code uses this one and never imports the emulator. Retry figures are required, not defaulted,
 * so that nothing booksim deploys depends on an endpoint's defaults.
 */

/** One entry of a state's Retry list. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  BackoffRate: number;
  MaxAttempts: number;
}

/** One entry of a state's Catch list: where the execution goes when the error was not retried. */
export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  /** Where the error ({Error, Cause}) goes in the state's input; null drops it. */
  ResultPath?: string | null;
}

/**
 * How a state hands over: to `Next`, or, as the last state of a Parallel branch, `End`
 * (the top level always ends in Succeed or Fail states).
 */
export type Transition = { Next: string; End?: never } | { End: true; Next?: never };

/** A Task state. */
export type TaskState = Transition & {
  Type: 'Task';
  Comment?: string;
  Resource: string;
  Parameters?: Record<string, unknown>;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
  Retry?: Retrier[];
  Catch?: Catcher[];
};

/** A state machine inside a Parallel state: its own StartAt and States, ending in `End`. */
export interface Branch {
  StartAt: string;
  States: Record<string, State>;
}

/** Runs its branches at once on the same input; its result is the array of their outputs, and a branch that fails fails it. */
export interface ParallelState {
  Type: 'Parallel';
  Comment?: string;
  Branches: Branch[];
  /** Reshapes the array of branch outputs before ResultPath places it. */
  ResultSelector?: Record<string, unknown>;
  ResultPath?: string | null;
  Catch?: Catcher[];
  Next: string;
}

/** Copies its (InputPath-selected) input to ResultPath. */
export type PassState = Transition & {
  Type: 'Pass';
  Comment?: string;
  InputPath?: string;
  ResultPath?: string | null;
};

/** A test of a Choice rule: whether a field is present, equals a string, is at least a number; or any of several. */
export type ChoiceCondition =
  | { Variable: string; IsPresent: boolean }
  | { Variable: string; StringEquals: string }
  | { Variable: string; NumericGreaterThanEquals: number }
  | { Or: ChoiceCondition[] };

/** One rule of a Choice state: where the execution goes when its condition holds. */
export type ChoiceRule = ChoiceCondition & { Next: string };

export interface ChoiceState {
  Type: 'Choice';
  Comment?: string;
  Choices: ChoiceRule[];
  Default?: string;
}

export interface SucceedState {
  Type: 'Succeed';
  Comment?: string;
}

export interface FailState {
  Type: 'Fail';
  Comment?: string;
  Error?: string;
  Cause?: string;
}

export type State = TaskState | ParallelState | PassState | ChoiceState | SucceedState | FailState;

/** A whole state machine definition; JSON.stringify it for CreateStateMachine. */
export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  /** Execution timeout: the execution ends TIMED_OUT after this long, whatever it is doing. */
  TimeoutSeconds?: number;
  States: Record<string, State>;
}
