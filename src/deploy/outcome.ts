/** The kinds of resource a stack has. */
export type ResourceKind = 'topic' | 'queue' | 'subscription' | 'table' | 'activity' | 'state machine';

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
