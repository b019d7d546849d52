/** The kinds of resource a stack has. */
export type ResourceKind = 'topic' | 'queue' | 'subscription' | 'table' | 'activity' | 'role' | 'state machine';

/** What deploy or destroy did to one resource. */
export type Outcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent' | 'left';

/** One line of a deploy or destroy: a resource and what happened to it. */
export interface ResourceOutcome {
  kind: ResourceKind;
  name: string;
  outcome: Outcome;
  /** What changed, for `updated` (e.g. "VisibilityTimeout, Policy"); why, for `left` (destroy found it without the stack's tag). */
  detail?: string;
}

/** Called as each resource is done, so that a command can show progress. */
export type ProgressListener = (outcome: ResourceOutcome) => void;

/** What deploy's step for one resource answers: its outcome, what changed, and what later steps need of it (its ARN or URL). */
export type Ensured<T> = Promise<{ outcome: Outcome; detail?: string; value: T }>;
