/**
 * The sabotage catalog (docs/faults.md, Sabotage) as data: each safeguard the design
 * relies on, the realistic mistake that switches it off, where the switch sits, what
 * must catch it, and the run that exposes it. `storm --sabotage NAME` switches one off
 * for a run; `booksim sabotage` runs every exposure with and without its sabotage and
 * prints the matrix of what was caught (src/pipeline/sabotage-matrix.ts).
 */
import type { Topology } from './topology.js';

/** Every sabotage, in the order the catalog and the matrix list them. */
export const sabotageNames = [
  'ack-before-work',
  'new-id-per-attempt',
  'new-key-on-retry',
  'refund-new-key',
  'no-conditional-write',
  'release-without-promote',
  'no-group-hold',
  'no-heartbeat',
  'no-task-timeout',
  'skip-compensation-on-timeout',
] as const;
export type Sabotage = (typeof sabotageNames)[number];

/** The invariants' keys (docs/design.md, Invariants), in their order: what a sabotage is caught by. */
export const invariantKeys = [
  'no-double-booking',
  'first-come-first-served',
  'payment-only-for-holder',
  'reassignment',
  'exactly-once-effects',
  'nothing-lost',
  'no-limbo',
  'compensation-complete',
] as const;
export type InvariantKey = (typeof invariantKeys)[number];

/** Where a sabotage's switch sits: the process or artefact whose code takes the wrong path. */
export type SabotageSite = 'booking API' | 'queue workers' | 'inventory function' | 'payment function' | 'saga workers' | 'saga definition' | 'reconciler';

/**
 * The run that exposes a sabotage: a scenario's faults and load shape (plus faults of its
 * own), on the topology where the safeguard matters, small enough for CI. The clean
 * control is the same run without the sabotage, and must stay valid.
 */
export interface SabotageExposure {
  /** A scenario preset (src/scenarios/index.ts) whose faults and shape the run takes; none: only `faults`. */
  scenario?: string;
  /** Faults added to the scenario's, as `--fault` takes them. */
  faults: string[];
  /** Load shape over storm's defaults (and the scenario's): LoadShape's fields of the same names. */
  shape: { contention?: number; duplicates?: number; vip?: number };
  seats: number;
  bookings: number;
  rps: number;
  topology: Topology;
  /** Thresholds the run is verified against (a sabotage a threshold catches names them in `caughtBy`). */
  thresholds: string[];
  /** How long the storm waits for the system to settle; default storm's. */
  settleTimeoutSeconds?: number;
}

export interface SabotageEntry {
  /** The mistake, in a developer's words: what the sabotaged code does instead. */
  bug: string;
  /** The safeguard it switches off, and why the design has it. */
  safeguard: string;
  site: SabotageSite;
  /** True when the saga's definition changes: the stack must be deployed with the sabotage (`deploy --sabotage`). */
  deployed: boolean;
  /** What must flag it: invariant keys, and threshold expressions of its exposure that must breach. */
  caughtBy: { invariants: InvariantKey[]; thresholds: string[] };
  /** Why those catch it: the chain from the bug to the violation. */
  why: string;
  exposure: SabotageExposure;
}

/** The size most exposures run at: ten seats, 40 bookings at 20/s, on the design's topology, no faults of its own. */
const smallStorm = { faults: [], shape: {}, seats: 10, bookings: 40, rps: 20, topology: 'fifo-fanout', thresholds: [] } satisfies SabotageExposure;

/** A sabotage's entry; `exposure` and `caughtBy` are measured (the matrix checks them in CI). */
export const sabotageCatalog: Record<Sabotage, SabotageEntry> = {
  'ack-before-work': {
    bug: 'a queue worker deletes each message as it receives it, before handling it',
    safeguard: 'delete only after the work is done, so a crash mid-message lets SQS deliver it again',
    site: 'queue workers',
    deployed: false,
    caughtBy: { invariants: ['nothing-lost'], thresholds: [] },
    why:
      'a worker killed while it holds messages takes their bookings with it: they stay PENDING with no message left to finish them. ' +
      'The queues also look drained while the workers still hold bookings, so the storm calls the system settled and stops its workers, ' +
      "which drop what they hold as the killed one did. Without the sabotage the killed worker's messages come back after the inventory " +
      "queue's 30 s visibility timeout and every booking is decided",
    exposure: { ...smallStorm, faults: ['late-delivery:rate=1,ms=3000', 'worker-crash:function=inventory,from=1s'], shape: { contention: 2 }, bookings: 20, settleTimeoutSeconds: 90 },
  },
  'new-id-per-attempt': {
    bug: 'the booking API mints a fresh booking id and deduplication id for every HTTP attempt instead of deriving them from the requestId',
    safeguard: 'ids derived from the requestId (the bookingId from its hash, MessageDeduplicationId = requestId), so a client retry finds the booking its first attempt stored and SNS FIFO drops the duplicate publish',
    site: 'booking API',
    deployed: false,
    caughtBy: { invariants: ['exactly-once-effects'], thresholds: [] },
    why:
      'a client retry stores a second booking under a new id and publishes it under a new deduplication id, which SNS FIFO passes on: one request, two bookings. ' +
      'Each booking alone is handled right (the second waits in line behind its twin and is REJECTED, or pays for the seat if it is promoted to it), ' +
      'so only exactly-once-effects\' one booking per request sees it, from the bookings table\'s requestIds and the request log\'s 2xx answers',
    exposure: { ...smallStorm, scenario: 'duplicates' },
  },
  'new-key-on-retry': {
    bug: 'the reconciler restarts a stuck saga with a new payment idempotency key',
    safeguard: 'idempotency keys derived from the bookingId, so a restart replays the charge instead of taking it again',
    site: 'reconciler',
    deployed: false,
    caughtBy: { invariants: ['payment-only-for-holder', 'exactly-once-effects'], thresholds: [] },
    why: 'a saga stopped after it charged is charged again when the reconciler restarts it',
    exposure: { ...smallStorm, scenario: 'stuck-orders' },
  },
  'refund-new-key': {
    bug: 'RefundPayment sends a fresh idempotency key on every attempt',
    safeguard: 'the refund key `refund:<bookingId>`, so a retried refund replays the first',
    site: 'saga workers',
    deployed: false,
    caughtBy: { invariants: ['exactly-once-effects'], thresholds: [] },
    why:
      'a refund applied but answered too late (refund-timeout with applied=true) is retried under a new key and applied again, instead of replayed. ' +
      'The gateway returns a charge\'s money once whatever the key (already_refunded), as payment providers do, so payment-only-for-holder holds; ' +
      'but every applied refund is an operation in the ledger (here nothing_to_refund: the charges had failed), and exactly-once-effects allows one per booking. ' +
      'The scenario\'s own refund-timeout (applied=false) hides it: a refund that was never applied leaves nothing to repeat',
    exposure: { ...smallStorm, scenario: 'refund-timeouts', faults: ['refund-timeout:applied=true,for=10s'] },
  },
  'no-conditional-write': {
    bug: 'seat placement reads the seat, decides, then writes; ReserveSeat sells the seat without checking its booking holds it',
    safeguard: 'one conditional write per placement and per sale, so two bookings can never both take a seat',
    site: 'inventory function',
    deployed: false,
    caughtBy: { invariants: ['no-double-booking', 'first-come-first-served', 'nothing-lost'], thresholds: [] },
    why: "where one seat's bookings are handled at once and seat calls are slow, placements that read the seat free overwrite each other: two bookings both hold it and are both confirmed, and the bookings overwritten are skipped and never decided",
    // Every DynamoDB call of the workers 800 ms slower, alike: order is kept, so the clean run stays first come, first served, and the read-then-write window is wide.
    exposure: { ...smallStorm, faults: ['aws-latency:rate=1,ms=800,service=dynamodb'], shape: { contention: 4, duplicates: 0 }, seats: 6, topology: 'standard-fanout' },
  },
  'release-without-promote': {
    bug: 'ReleaseSeat frees the seat without passing it to the next booking in line',
    safeguard: 'the release promotes the first booking in line that can still buy the seat, in the same conditional write that frees it',
    site: 'saga workers',
    deployed: false,
    caughtBy: { invariants: ['reassignment', 'nothing-lost', 'no-limbo'], thresholds: [] },
    why:
      'a declined holder\'s release frees the seat and leaves its line waiting for a holder that never comes: the payment function finds each waiting booking ' +
      'in line behind nobody and retries it until its message goes to the DLQ. The seat stays free and unsold with bookings in its line (reassignment), ' +
      'they stay PENDING (nothing-lost) and the DLQ holds them (no-limbo). A slow ValidatePayment makes the line form before the decline: ' +
      'a seat freed before its next booking is placed is simply taken by it',
    // The stranded bookings settle only in the DLQ, after five receives held about 8 s each (measured 28–43 s); 60 s is too close.
    exposure: { ...smallStorm, scenario: 'declines', faults: ['slow-task:task=ValidatePayment,ms=1000'], shape: { contention: 3 }, rps: 40, settleTimeoutSeconds: 90 },
  },
  'no-group-hold': {
    bug: 'the payment function lets go of the seat\'s FIFO group once the saga has started, not once it has ended',
    safeguard: 'the group hold: the next booking of a seat is read only once the seat is settled',
    site: 'payment function',
    deployed: false,
    caughtBy: { invariants: ['reassignment'], thresholds: [] },
    why:
      'the VIP fast path reserves the seat while the payment is still being validated: the next booking of the seat, read meanwhile, ' +
      'finds it sold and is REJECTED; the payment is then declined, and the release finds nobody left in line who can buy the seat, ' +
      'which stays unsold. The seat ends with no confirmed booking, so first-come-first-served has nothing to hold against it',
    exposure: { ...smallStorm, faults: ['payment-decline:rate=0.5', 'slow-task:task=ValidatePayment,ms=3000'], shape: { contention: 3, vip: 1 }, bookings: 30 },
  },
  'no-heartbeat': {
    bug: 'the saga\'s tasks carry no HeartbeatSeconds, and their workers never call SendTaskHeartbeat',
    safeguard: 'HeartbeatSeconds on every task (fast: 2 s) and a heartbeat every third of it, so that a worker that died is noticed within HeartbeatSeconds and its task retried on another',
    site: 'saga definition',
    deployed: true,
    caughtBy: { invariants: [], thresholds: ['crash.detection.max<4000'] },
    why:
      'a worker killed mid-task is noticed only when the task\'s TimeoutSeconds runs out (IssueTicket: 20 s in the fast profile, 18.9 to 20.0 s after the kill) ' +
      'instead of within HeartbeatSeconds (at most 2.0 s). The retry then succeeds, so every invariant holds: only the crash-detection threshold, at twice the heartbeat, sees it. ' +
      'The workers still tell the supervisor each heartbeat\'s moment, so crash-mid-heartbeat kills at the same point of the work',
    exposure: { ...smallStorm, scenario: 'heartbeat-crash', thresholds: ['crash.detection.max<4000'] },
  },
  'no-task-timeout': {
    bug: 'the saga\'s activity tasks carry no TimeoutSeconds (AWS\'s default is 99999999 s), and so neither does the execution, whose timeout is the worst case of its tasks\'',
    safeguard: 'TimeoutSeconds on every task, so that a worker that is alive and heartbeating but stuck (in a call that never returns) is given up on and the task retried',
    site: 'saga definition',
    deployed: true,
    caughtBy: { invariants: ['no-limbo'], thresholds: [] },
    why:
      'stuck-task sticks the first ReserveSeat task: its worker heartbeats on, so no heartbeat timeout fires, and with no TimeoutSeconds nothing ends the attempt. ' +
      'The execution stays RUNNING (its payment message in flight) past the settle timeout, which no-limbo reports. Without the sabotage the task times out after 10 s, ' +
      'is retried, and the run settles in about 11 s. The stuck booking is also HELD and charged, which payment-only-for-holder reports; nothing-lost and reassignment are unknown (never settled)',
    // The clean run settles in about 11 s; 30 s leaves it room on a loaded CI machine, and the sabotaged run waits no longer than that for nothing.
    exposure: { ...smallStorm, faults: ['stuck-task:task=ReserveSeat'], settleTimeoutSeconds: 30 },
  },
  'skip-compensation-on-timeout': {
    bug: 'a step that timed out (States.Timeout, States.HeartbeatTimeout) once its retries are spent fails the execution at once, in a Fail state of its own, instead of compensating: ValidatePayment, ReserveSeat, IssueTicket and the VIP fast path',
    safeguard: 'every failure after the charge may have happened goes through RefundPayment and ReleaseSeat, and a failed execution ends in PaymentDeclined or BookingFailed',
    site: 'saga definition',
    deployed: true,
    caughtBy: { invariants: ['compensation-complete'], thresholds: [] },
    why:
      'three kills of the IssueTicket worker spend the attempts of the one seat\'s holder: its saga fails in BookingTimedOut with the money taken and the seat sold to it. ' +
      'The reconciler restarts the HELD booking under the same keys and it ends CONFIRMED, paid once, the others rejected: the money, seat and ticket rules all hold. ' +
      'compensation-complete\'s check that every failed execution of the run ended in the saga\'s compensated Fail states (added for this sabotage) sees the one that did not. ' +
      'When the storm calls the system settled before the reconciler\'s next pass, the booking is still HELD and charged, and payment-only-for-holder, reassignment and nothing-lost see it too',
    exposure: { ...smallStorm, faults: ['crash-mid-heartbeat:after=1,times=3'], seats: 1, bookings: 10, rps: 5 },
  },
};

/** The sabotages that change the saga's definition: `deploy --sabotage` bakes them in. */
export const deployedSabotages: Sabotage[] = sabotageNames.filter((name) => sabotageCatalog[name].deployed);
