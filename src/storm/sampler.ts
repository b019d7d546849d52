import type { Clock } from '../clock.js';
import type { QuiescenceSnapshot } from '../model/run.js';
import type { SystemSample } from '../run-dir/schema.js';

/**
 * Samples the system's state about once per `everyMs` for the report: by polling itself
 * while the load runs ({@link start}), and from the settle's own polls afterwards
 * ({@link record}), so the settle's polls are not doubled. A failed poll leaves a gap:
 * the samples are a picture, not a measurement anything depends on.
 */
export class SystemSampler {
  private readonly taken: SystemSample[] = [];
  private last: QuiescenceSnapshot | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;
  private cancelPause: (() => void) | undefined;

  constructor(
    private readonly poll: () => Promise<QuiescenceSnapshot>,
    private readonly clock: Pick<Clock, 'now' | 'setTimer'>,
    private readonly loadStartedAt: number,
    private readonly everyMs = 1000,
  ) {}

  /** Polls every `everyMs` until {@link stopPolling}. */
  start(): void {
    this.polling ??= this.pollUntilStopped();
  }

  /** Ends the sampler's own polls; resolves once the last one has answered. */
  async stopPolling(): Promise<void> {
    this.stopped = true;
    this.cancelPause?.();
    await this.polling;
  }

  /** Keeps a snapshot polled by someone else, unless the last sample is less than `everyMs` old. */
  record(snapshot: QuiescenceSnapshot): void {
    this.last = snapshot;
    const t = this.clock.now() - this.loadStartedAt;
    const last = this.taken.at(-1);
    if (last === undefined || t - last.t >= this.everyMs) this.taken.push(sampleOf(t, snapshot));
  }

  /** The newest snapshot, polled or recorded, with each queue's depth (a live display reads it: no poll of its own); undefined before the first. */
  latest(): QuiescenceSnapshot | undefined {
    return this.last;
  }

  samples(): SystemSample[] {
    return [...this.taken];
  }

  private async pollUntilStopped(): Promise<void> {
    while (!this.stopped) {
      try {
        this.record(await this.poll());
      } catch {
        // A gap in a chart; the storm's own calls report real trouble.
      }
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        const timer = this.clock.setTimer(this.everyMs, resolve);
        this.cancelPause = () => {
          timer.cancel();
          resolve();
        };
      });
    }
  }
}

function sampleOf(t: number, snapshot: QuiescenceSnapshot): SystemSample {
  return {
    t,
    visible: snapshot.queues.reduce((sum, q) => sum + q.visible, 0),
    inFlight: snapshot.queues.reduce((sum, q) => sum + q.inFlight, 0),
    deadLetter: snapshot.deadLetter,
    running: snapshot.runningExecutions,
    ...(snapshot.moreRunning ? { moreRunning: true } : {}),
  };
}
