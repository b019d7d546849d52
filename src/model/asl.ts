/**
 * The part of the Amazon States Language that booksim writes: Task, Choice, Succeed and
 * Fail states with explicit Retry and Catch. The emulator has its own, looser reading of
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

/** A Task state; booksim's always goes on to `Next`, since its executions end in Succeed or Fail states. */
export interface TaskState {
  Type: 'Task';
  Comment?: string;
  Resource: string;
  Parameters?: Record<string, unknown>;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
  Retry?: Retrier[];
  Catch?: Catcher[];
  Next: string;
}

/** One rule of a Choice state; booksim only asks whether a field is present. */
export interface ChoiceRule {
  Variable: string;
  IsPresent: boolean;
  Next: string;
}

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

export type State = TaskState | ChoiceState | SucceedState | FailState;

/** A whole state machine definition; JSON.stringify it for CreateStateMachine. */
export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  /** Execution timeout: the execution ends TIMED_OUT after this long, whatever it is doing. */
  TimeoutSeconds?: number;
  States: Record<string, State>;
}
