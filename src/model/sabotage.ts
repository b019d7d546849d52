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

/** A sabotage's entry; `exposure` and `caughtBy` are measured (the matrix checks them in CI). */
export const sabotageCatalog: Record<Sabotage, SabotageEntry> = {
  'ack-before-work': {
    bug: 'a queue worker deletes each message as it receives it, before handling it',
    safeguard: 'delete only after the work is done, so a crash mid-message lets SQS deliver it again',
    site: 'queue workers',
    deployed: false,
    caughtBy: { invariants: ['nothing-lost'], thresholds: [] },
    why: 'a worker killed while it holds messages takes their bookings with it: they stay PENDING with no message left to finish them',
    exposure: { faults: [], shape: {}, seats: 10, bookings: 40, rps: 20, topology: 'fifo-fanout', thresholds: [] },
  },
  'new-id-per-attempt': {
    bug: 'the booking API mints a fresh booking id and deduplication id for every HTTP attempt instead of deriving them from the requestId',
    safeguard: 'ids derived from the requestId, so a client retry is the same booking and SNS FIFO drops the duplicate publish',
    site: 'booking API',
    deployed: false,
    caughtBy: { invariants: ['exactly-once-effects'], thresholds: [] },
    why: 'a client retry becomes a second booking of the same request',
    exposure: { scenario: 'duplicates', faults: [], shape: {}, seats: 10, bookings: 40, rps: 20, topology: 'fifo-fanout', thresholds: [] },
  },
  'new-key-on-retry': {
    bug: 'the reconciler restarts a stuck saga with a new payment idempotency key',
    safeguard: 'idempotency keys derived from the bookingId, so a restart replays the charge instead of taking it again',
    site: 'reconciler',
    deployed: false,
    caughtBy: { invariants: ['payment-only-for-holder', 'exactly-once-effects'], thresholds: [] },
    why: 'a saga stopped after it charged is charged again when the reconciler restarts it',
    exposure: { scenario: 'stuck-orders', faults: [], shape: {}, seats: 10, bookings: 40, rps: 20, topology: 'fifo-fanout', thresholds: [] },
  },
  'refund-new-key': {
    bug: 'RefundPayment sends a fresh idempotency key on every attempt',
    safeguard: 'the refund key `refund:<bookingId>`, so a retried refund replays the first',
    site: 'saga workers',
    deployed: false,
    caughtBy: { invariants: ['exactly-once-effects'], thresholds: [] },
    why: 'a refund retried after a timeout runs again instead of replaying',
    exposure: { scenario: 'refund-timeouts', faults: [], shape: {}, seats: 10, bookings: 40, rps: 20, topology: 'fifo-fanout', thresholds: [] },
  },
  'no-conditional-write': {
    bug: 'seat placement reads the seat, decides, then writes; ReserveSeat sells the seat without checking its booking holds it',
    safeguard: 'one conditional write per placement and per sale, so two bookings can never both take a seat',
    site: 'inventory function',
    deployed: false,
    caughtBy: { invariants: ['no-double-booking', 'first-come-first-served', 'nothing-lost'], thresholds: [] },
    why: "where one seat's bookings are handled at once and seat calls are slow, placements that read the seat free overwrite each other: two bookings both hold it and are both confirmed, and the bookings overwritten are skipped and never decided",
    exposure: {
      // Every DynamoDB call of the workers 800 ms slower, alike: order is kept, so the clean run stays first come, first served, and the read-then-write window is wide.
      faults: ['aws-latency:rate=1,ms=800,service=dynamodb'],
      shape: { contention: 4, duplicates: 0 },
      seats: 6,
      bookings: 40,
      rps: 20,
      topology: 'standard-fanout',
      thresholds: [],
    },
  },
  'release-without-promote': {
    bug: 'ReleaseSeat frees the seat without passing it to the next booking in line',
    safeguard: 'the release promotes the first booking in line that can still buy the seat',
    site: 'saga workers',
    deployed: false,
    caughtBy: { invariants: ['reassignment'], thresholds: [] },
    why: 'a seat whose holder failed stays unsold while bookings wait for it',
    exposure: { scenario: 'declines', faults: [], shape: { contention: 3 }, seats: 10, bookings: 40, rps: 20, topology: 'fifo-fanout', thresholds: [] },
  },
  'no-group-hold': {
    bug: 'the payment function lets go of the seat\'s FIFO group once the saga has started, not once it has ended',
    safeguard: 'the group hold: the next booking of a seat is read only once the seat is settled',
    site: 'payment function',
    deployed: false,
    caughtBy: { invariants: ['reassignment'], thresholds: [] },
    why: 'a waiting booking that reads the seat while a failing saga has it marked sold is rejected, and the seat is released to nobody',
    exposure: { scenario: 'vip-rush', faults: [], shape: {}, seats: 10, bookings: 40, rps: 20, topology: 'fifo-fanout', thresholds: [] },
  },
  'no-heartbeat': {
    bug: 'the saga\'s tasks carry no HeartbeatSeconds and their workers never heartbeat',
    safeguard: 'heartbeats every third of HeartbeatSeconds, so a dead worker is noticed within HeartbeatSeconds',
    site: 'saga definition',
    deployed: true,
    caughtBy: { invariants: [], thresholds: ['crash.detection.max<4000'] },
    why: 'a killed worker is noticed only when its task times out',
    exposure: { scenario: 'heartbeat-crash', faults: [], shape: {}, seats: 10, bookings: 40, rps: 20, topology: 'fifo-fanout', thresholds: ['crash.detection.max<4000'] },
  },
  'no-task-timeout': {
    bug: 'the saga\'s tasks carry no TimeoutSeconds (AWS\'s default is 99999999 s)',
    safeguard: 'TimeoutSeconds on every task, so a worker that is alive but stuck is given up on',
    site: 'saga definition',
    deployed: true,
    caughtBy: { invariants: ['no-limbo'], thresholds: [] },
    why: 'an execution whose worker is stuck never ends',
    exposure: { faults: [], shape: {}, seats: 10, bookings: 40, rps: 20, topology: 'fifo-fanout', thresholds: [] },
  },
  'skip-compensation-on-timeout': {
    bug: 'a Catch sends a timed-out step straight to Fail',
    safeguard: 'every failure after the charge may have happened goes through RefundPayment and ReleaseSeat',
    site: 'saga definition',
    deployed: true,
    caughtBy: { invariants: ['compensation-complete'], thresholds: [] },
    why: 'a saga that timed out ends without refunding or releasing',
    exposure: { scenario: 'heartbeat-crash', faults: [], shape: {}, seats: 10, bookings: 40, rps: 20, topology: 'fifo-fanout', thresholds: [] },
  },
};

/** The sabotages that change the saga's definition: `deploy --sabotage` bakes them in. */
export const deployedSabotages: Sabotage[] = sabotageNames.filter((name) => sabotageCatalog[name].deployed);
