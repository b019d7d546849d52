import { sagaTaskStateActivities } from '../storm/saga-steps.js';
import { sagaTasks, type SagaTask } from '../deploy/saga.js';

/**
 * The saga's steps as thresholds name them (`reserve.failure_rate`, `issueticket.work.p99`),
 * read from the saga's own definition so that a state added there is a step here.
 */

/** A step a threshold can name: the Task states it covers, and how to say it in a note. */
export interface SagaStep {
  /** The Task states, as the definition names them (ReserveSeat, FastReserveSeat). */
  states: string[];
  /** "ReserveSeat", or "ReserveSeat and FastReserveSeat". */
  label: string;
}

/** An activity's short name: the first word of its name (ReserveSeat → reserve). */
const shortName = (activity: SagaTask) => /^[A-Z][a-z]+/.exec(activity)![0].toLowerCase();

/**
 * Short names: an activity on every path that runs it, so `reserve` is ReserveSeat and the
 * VIP fast path's FastReserveSeat together (the orders that failed at the reserve step,
 * whichever path they took).
 */
const shortNames = new Map(
  sagaTasks.map((activity) => {
    const covered = sagaTaskStateActivities.filter((s) => s.activity === activity).map((s) => s.state);
    return [shortName(activity), { states: covered, label: covered.join(' and ') }];
  }),
);

/** The short names, then the state names, as a threshold may write them. */
export const sagaStepNames: readonly string[] = [...shortNames.keys(), ...sagaTaskStateActivities.map((s) => s.state).filter((state) => !shortNames.has(state.toLowerCase()))];

/** The step a name means (case-insensitive): a short name, or one Task state by its name; undefined if none. */
export function sagaStepNamed(name: string): SagaStep | undefined {
  const lower = name.toLowerCase();
  const short = shortNames.get(lower);
  if (short) return short;
  const state = sagaTaskStateActivities.find((s) => s.state.toLowerCase() === lower)?.state;
  return state === undefined ? undefined : { states: [state], label: state };
}
