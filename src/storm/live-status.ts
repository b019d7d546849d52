import type { LoadProgress } from '../load/run-load.js';
import type { LiveStatus } from '../model/live.js';
import type { QuiescenceSnapshot } from '../model/run.js';

/**
 * What a live status reads besides the load's progress, when it is assembled. None of
 * them calls AWS: the snapshot is the sampler's latest poll, decisions are counted as the
 * functions make them, faults as they are logged.
 */
export interface LiveSources {
  /** The system's state at the latest poll; undefined before the first. */
  snapshot(): QuiescenceSnapshot | undefined;
  /** Bookings moved to a final status so far. */
  decided(): number;
  /** Injections so far by fault name; absent when the run has no faults. */
  faults?(): Record<string, number>;
}

/** What a live status is made of at one moment. */
export interface LiveParts {
  progress: LoadProgress;
  /** Queue names lose the stack's prefix (`<stack>-inventory.fifo` → `inventory.fifo`). */
  stack: string;
  snapshot?: QuiescenceSnapshot | undefined;
  decided: number;
  faults?: Record<string, number> | undefined;
}

/** The live status of one moment (pure). */
export function liveStatusOf({ progress, stack, snapshot, decided, faults }: LiveParts): LiveStatus {
  const prefix = `${stack}-`;
  return {
    load: {
      elapsedMs: progress.elapsedMs,
      plannedMs: progress.plannedMs,
      sent: progress.sent,
      answered: progress.completed,
      targetRps: progress.targetRps,
      achievedRps: progress.achievedRps,
      inFlight: progress.inFlight,
      errors: progress.errors,
      non2xx: progress.non2xx,
      ...(progress.p99Ms === undefined ? {} : { p99Ms: progress.p99Ms }),
    },
    // A booking can be decided before its 2xx is in (the direct chain answers once it is decided): pending is never negative.
    bookings: { accepted: progress.accepted, decided, pending: Math.max(0, progress.accepted - decided) },
    ...(snapshot === undefined
      ? {}
      : {
          system: {
            queues: snapshot.queues.map(({ name, visible, inFlight }) => ({ name: name.startsWith(prefix) ? name.slice(prefix.length) : name, visible, inFlight })),
            deadLetter: snapshot.deadLetter,
            sagasRunning: snapshot.runningExecutions,
            ...(snapshot.moreRunning ? { moreRunning: true } : {}),
          },
        }),
    ...(faults === undefined ? {} : { faults }),
  };
}

/** Feeds the load's progress in; statuses come out through `emit`. */
export interface LiveStatusFeed {
  /** The load's progress (run-load gives it every 250 ms): a status when the next `everyMs` of the load is reached, the first at once. */
  progress(progress: LoadProgress): void;
  /** The load ended: a last status, marked final, from the last progress. */
  finish(): void;
}

/**
 * Assembles a live status about every `everyMs` (default 1000) of the load's time from
 * its progress and the other sources, read only then: what it costs per status is the
 * fault log's length (counting injections) and the workers' reports (summing them), no
 * AWS call.
 */
export function liveStatusFeed(options: { stack: string; sources: LiveSources; emit(status: LiveStatus): void; everyMs?: number }): LiveStatusFeed {
  const { stack, sources, emit, everyMs = 1000 } = options;
  let last: LoadProgress | undefined;
  let nextAtMs = 0;
  const status = (progress: LoadProgress) => liveStatusOf({ progress, stack, snapshot: sources.snapshot(), decided: sources.decided(), faults: sources.faults?.() });
  return {
    progress(progress) {
      last = progress;
      if (progress.elapsedMs < nextAtMs) return;
      nextAtMs = (Math.floor(progress.elapsedMs / everyMs) + 1) * everyMs;
      emit(status(progress));
    },
    finish() {
      if (last) emit({ ...status(last), final: true });
    },
  };
}
