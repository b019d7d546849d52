import type { FaultLogEntry } from '../model/fault.js';
import type { LedgerEntry } from '../gateway/ledger.js';
import type { RequestLogEntry } from '../load/run-load.js';
import type { LoadShape, PlanIdentity } from '../model/plan.js';
import type { PriceTable } from '../model/pricing.js';
import type { QuiescenceSnapshot, StormSummary } from '../model/run.js';
import type { VerifyReport } from '../model/verdict.js';
import type { CallCounts } from '../runtime/call-counter.js';
import type { WorkerFunction } from '../runtime/worker-messages.js';
import type { BookingStatus, Tier } from '../model/booking.js';

/**
 * What a run directory holds (docs/design.md, Run artefacts), file by file: the one schema
 * `booksim storm` writes (src/run-dir/location.ts) and verify, report and compare read
 * (src/run-dir/read.ts, src/run-dir/run-data.ts).
 */

/**
 * The format of run.json, and so of its directory: raised when a file changes in a way an
 * older reader would misread. Readers refuse a newer format; runs written before the field
 * existed have none and read as format 1.
 */
export const runFormat = 2;

/**
 * CPU time (user + system, ms) of booksim's processes during the run, start-up left out:
 * the storm process's from the load's start to the end (load generator, booking API,
 * gateway, reconciler, the settle's polling, reading the outcome), and the workers'
 * from each one's ready to its exit, summed by the function they host.
 */
export interface StormCpu {
  storm: number;
  workers: Partial<Record<WorkerFunction, number>>;
}

/** run.json: how the storm was asked for, where it ran, and its summary. */
export interface RunJson {
  /** {@link runFormat} when written. */
  format?: number;
  config: {
    stack: string;
    endpoint: string;
    region?: string;
    shape: LoadShape;
    settleTimeoutMs?: number;
    concurrency?: number;
    /** The plan a sharded run sent its part of (`storm --shard`), or a merged run joins (`booksim merge`): absent for a whole single-host run. */
    plan?: PlanIdentity;
    /** `none` when the storm started no workers (`storm --workers none`: `booksim worker` hosted the functions, and their calls and CPU are not in this run's figures). */
    workers?: 'none';
    /** The booking API the load went to when it was served elsewhere (`storm --api URL`: its calls and usage are not in this run's figures); absent: the storm's own. */
    api?: string;
  };
  /** How the booking stream was wired (runs before topologies existed were fifo-fanout). */
  topology?: string;
  /** ISO time the load started (runs before the report existed lack it). */
  startedAt?: string;
  versions?: Record<string, string>;
  summary: StormSummary;
  /** AWS calls by service and operation (runs before call counting lack it). */
  awsCalls?: CallCounts;
  cpu?: StormCpu;
  /** What the settle's last poll saw. */
  lastSettleSnapshot?: QuiescenceSnapshot;
}

/** The run's HDR histograms as histograms.json has them (hdr-histogram-js compressed base64, microseconds); each may be missing. */
export interface RunHistograms {
  apiLatency?: string;
  timeToDecision?: string;
  timeToDecisionByTier?: { VIP?: string; STANDARD?: string };
  /** Per saga state (SagaStepSummary): wait, work, backoff and time in state, in all and per tier. */
  sagaSteps?: Record<string, SagaStepHistograms & { byTier?: Partial<Record<Tier, SagaStepHistograms>> }>;
}

/** One saga state's histograms (microseconds, as the rest). */
export interface SagaStepHistograms {
  wait: string;
  work: string;
  backoff: string;
  total: string;
}

/** histograms.json: {@link RunHistograms}, and the unit they are in. */
export interface HistogramsJson extends RunHistograms {
  unit?: string;
}

/** The system's state at one moment of a run (samples.json), for the report's charts. */
export interface SystemSample {
  /** ms since the load started. */
  t: number;
  /** Messages in the booking queues: visible, and received but not deleted. */
  visible: number;
  inFlight: number;
  /** Messages in the DLQs. */
  deadLetter: number;
  /** Saga executions RUNNING (a lower bound when `moreRunning`). */
  running: number;
  moreRunning?: boolean;
}

/** samples.json. */
export interface SamplesJson {
  loadStartedAt: string;
  loadEndMs: number;
  settleEndMs: number;
  samples: SystemSample[];
}

/** One booking's outcome; times are epoch ms, `decidedAt` absent while undecided. */
export interface DecisionRecord {
  bookingId: string;
  tier: Tier;
  status: BookingStatus;
  createdAt: number;
  decidedAt?: number;
}

/** Every JSON file of a run directory, by name, and what it holds. (ledger.jsonl is the gateway's, appended line by line: src/gateway/ledger-file.ts.) */
export interface RunFileContents {
  'run.json': RunJson;
  'requests.json': RequestLogEntry[];
  'histograms.json': HistogramsJson;
  'faults.json': FaultLogEntry[];
  'samples.json': SamplesJson;
  'decisions.json': DecisionRecord[];
  'verify.json': VerifyReport;
  /** The price table summary.cost was worked out with (src/cost/); runs made before cost have none. */
  'pricing.json': PriceTable;
}

/** The ledger's lines, as ledger.jsonl holds them. */
export type LedgerLines = LedgerEntry[];
