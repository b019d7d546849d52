import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { PaymentOutcome, QueueRecord, SharedReads } from '../functions/model.js';
import { bookingIdIn, withBooking } from './call-counter.js';
import { pause, settleWithin } from '../async.js';
import { describeError } from '../errors.js';
import type { RuntimeLogger } from './runtime-log.js';

/** A queue function as the poller calls it; no outcome (the inventory function) means done. */
export type QueueHandler = (record: QueueRecord, shared: SharedReads) => Promise<PaymentOutcome | void>;

export interface QueuePollerOptions {
  sqs: SQSClient;
  /** For DescribeExecution while a message waits for its saga. */
  sfn: SFNClient;
  /** As the API returned it (never built). */
  queueUrl: string;
  handler: QueueHandler;
  /** Stops the poller: no more receives, in-flight work finishes (bounded by drainTimeoutMs). */
  signal: AbortSignal;
  /** Message groups handled at once; default 10. */
  concurrency?: number;
  /** Long-poll wait of each ReceiveMessage; default 20 (the most SQS allows). A stop waits for the poll in progress, so this bounds how long a stop takes. */
  waitTimeSeconds?: number;
  /** The queue's visibility timeout; default: read from the queue once at start. */
  visibilityTimeoutSeconds?: number;
  /** How often an in-saga message asks whether its execution ended; default 1000. */
  executionPollMs?: number;
  /** How long a finished message may wait for others to share its DeleteMessageBatch; default 20. */
  deleteDelayMs?: number;
  /** Longest a stop waits for handlers still running; default 10 000. */
  drainTimeoutMs?: number;
  /**
   * How long one delivery of a message may be held while its handler keeps answering
   * retry, from the first retry; default: the visibility timeout, what a Lambda-style
   * consumer gets anyway. A message the handler keeps deferring must go back to the queue
   * eventually: another consumer may take it (the one whose decision it waits for may
   * poll the same queue), or maxReceiveCount moves it to the DLQ.
   */
  maxRetryHoldSeconds?: number;
  log?: RuntimeLogger;
  /**
   * Asked once per message received (with its body's bookingId): true hands the message
   * to the handler a second time right after the first, as SQS's at-least-once delivery
   * allows (the duplicate-delivery fault). The second outcome is the one that counts.
   */
  duplicate?: (bookingId: string | undefined) => boolean;
  /**
   * Asked once per message received (with its body's bookingId): how many ms to sit on it
   * before its handler runs, as a standard queue may deliver a message late (the
   * late-delivery fault); 0 for none. Within a message group the rest of the group waits
   * too, so FIFO order holds; messages of a standard queue, each a group of its own,
   * overtake it.
   */
  late?: (bookingId: string | undefined) => number;
  /**
   * The sabotage ack-before-work (src/model/sabotage.ts): each message is deleted as it is
   * received, before its handler runs, so a worker that dies holding it loses it.
   */
  ackBeforeWork?: boolean;
}

/** A received message the poller still holds: it keeps it invisible until it is settled. */
interface Held {
  record: QueueRecord;
  /** When its visibility was last set (received or extended), local ms. */
  leasedAt: number;
  /** The reads its delivery (its group's messages of the same receive) shares. */
  reads: DeliveryReads;
}

/**
 * The {@link SharedReads} of one delivery: a read made once per key, until forgotten.
 * A read that fails is not kept: the next message asks again.
 */
class DeliveryReads implements SharedReads {
  private readonly made = new Map<string, Promise<unknown>>();

  async once<T>(key: string, read: () => Promise<T>): Promise<{ value: T; fresh: boolean }> {
    const made = this.made.get(key) as Promise<T> | undefined;
    if (made) return { value: await made, fresh: false };
    const reading = read();
    this.made.set(key, reading);
    reading.catch(() => {
      if (this.made.get(key) === reading) this.made.delete(key);
    });
    return { value: await reading, fresh: true };
  }

  forget(): void {
    this.made.clear();
  }
}

/**
 * How the handling of one message ended, as far as its group is concerned: done (deleted);
 * failed (let go, to reappear when its visibility expires); stopped (the poller stops) or
 * deferred (its handler said retry for longer than maxRetryHoldSeconds): given back at once.
 */
type Settlement = 'done' | 'failed' | 'stopped' | 'deferred';

/** SQS batch calls take at most ten entries. */
const batchSize = 10;
/** After a failed ReceiveMessage, wait this long before the next, so an unreachable endpoint is not hammered. */
const receiveBackoffMs = 1000;

/**
 * Long-polls one SQS queue and hands each message to `handler` as a {@link QueueRecord},
 * until `signal` aborts; resolves once stopped.
 *
 * Messages of one MessageGroupId are handled one after another in queue order, different
 * groups concurrently (up to `concurrency`; a message without a group is a group of its
 * own). Outcomes: done (or void) → deleted, in DeleteMessageBatch calls shared between
 * messages; retry → the message stays invisible (held, its group blocked) and the handler
 * is called again with the same record after `afterSeconds` — not given back to the queue,
 * where each receive would count towards the DLQ — until `maxRetryHoldSeconds` have passed
 * since the first retry: a retry after that gives the message and the rest of its group
 * back at once (logged as retry-gave-up); in-saga → the message stays invisible
 * while DescribeExecution says RUNNING, then it is done (deleted), or, if the execution
 * does not exist, the handler is called again with the same record; a throw → logged,
 * and the message and the rest of its group are let go, to reappear when their visibility
 * expires (redelivery, then the DLQ after maxReceiveCount). Every message held longer than
 * half the visibility timeout has it extended, so nothing reappears while it is handled.
 * On stop, messages not yet started (and those waiting for a saga) are made visible at
 * once for another worker. Each message is handled in the scope of its body's
 * `bookingId` ({@link withBooking}), so its calls are counted as that booking's; the
 * batched receives, deletes and visibility changes belong to no single booking.
 */
export async function pollQueue(options: QueuePollerOptions): Promise<void> {
  const visibilitySeconds = options.visibilityTimeoutSeconds ?? (await queueVisibilityTimeout(options.sqs, options.queueUrl));
  await new QueuePoller(options, visibilitySeconds).run();
}

async function queueVisibilityTimeout(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['VisibilityTimeout'] }));
  return Number(Attributes?.VisibilityTimeout ?? 30);
}

/** The message's group: its MessageGroupId, or itself when it has none (a standard queue). */
const groupOf = (message: Message): string => message.Attributes?.MessageGroupId ?? message.MessageId!;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += batchSize) out.push(items.slice(i, i + batchSize));
  return out;
}

class QueuePoller {
  private readonly held = new Map<string, Held>();
  /** Messages waiting to be handled, by group; a group is here while its runner runs. */
  private readonly groups = new Map<string, Held[]>();
  private readonly runners = new Set<Promise<void>>();
  private readonly deletes: Deletes;
  private readonly log: RuntimeLogger;
  private wakeReceiver: (() => void) | undefined;
  private extending = false;
  /** Groups whose handler may run now, and the groups waiting for one of those places. */
  private running = 0;
  private readonly queuedRunners: Array<() => void> = [];

  constructor(
    private readonly options: QueuePollerOptions,
    private readonly visibilitySeconds: number,
  ) {
    this.log = options.log ?? (() => {});
    this.deletes = new Deletes(options.sqs, options.queueUrl, options.deleteDelayMs ?? 20, this.log);
  }

  async run(): Promise<void> {
    const { signal } = this.options;
    const wake = () => this.wake();
    signal.addEventListener('abort', wake, { once: true });
    // Checking four times per lease means each message is extended between half and three quarters of the way through it.
    const keeper = setInterval(() => void this.extendLeases(), (this.visibilitySeconds * 1000) / 4);
    try {
      while (!signal.aborted) {
        await this.freeSlot();
        if (signal.aborted) break;
        const deliveries = new Map<string, DeliveryReads>();
        for (const message of await this.receive()) {
          const group = groupOf(message);
          if (!deliveries.has(group)) deliveries.set(group, new DeliveryReads());
          this.dispatch(message, deliveries.get(group)!);
        }
      }
      if (!(await settleWithin(this.runners, this.options.drainTimeoutMs ?? 10_000))) {
        this.log({ kind: 'drain-timeout', message: `${this.runners.size} message group(s) still running at stop; their messages will reappear` });
      }
    } finally {
      clearInterval(keeper);
      signal.removeEventListener('abort', wake);
      await this.deletes.flush();
    }
  }

  private wake(): void {
    const wake = this.wakeReceiver;
    this.wakeReceiver = undefined;
    wake?.();
  }

  /** Resolves once fewer than `concurrency` groups are in hand (or on stop): no point holding messages nobody can handle. */
  private async freeSlot(): Promise<void> {
    const limit = this.options.concurrency ?? 10;
    while (this.groups.size >= limit && !this.options.signal.aborted) {
      await new Promise<void>((resolve) => (this.wakeReceiver = resolve));
    }
  }

  private async receive(): Promise<Message[]> {
    const { sqs, queueUrl, signal } = this.options;
    try {
      const { Messages } = await sqs.send(
        // Not aborted on stop: a long poll cut off may still take messages (AWS does), which would then stay invisible for a whole visibility timeout. Whatever it brings after a stop is given back at once.
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: batchSize,
          WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      return Messages ?? [];
    } catch (error) {
      if (signal.aborted) return [];
      this.log({ kind: 'aws-error', message: `ReceiveMessage failed: ${describeError(error)}` });
      await pause(receiveBackoffMs, signal);
      return [];
    }
  }

  private dispatch(message: Message, reads: DeliveryReads): void {
    const record: QueueRecord = {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: (message.Attributes ?? {}) as Record<string, string>,
    };
    const held: Held = { record, leasedAt: Date.now(), reads };
    this.held.set(record.receiptHandle, held);
    if (this.options.ackBeforeWork) this.deletes.add(record.receiptHandle);
    const key = groupOf(message);
    const waiting = this.groups.get(key);
    if (waiting) {
      waiting.push(held);
      return;
    }
    const group = [held];
    this.groups.set(key, group);
    const runner: Promise<void> = this.runGroup(key, group).finally(() => {
      // Only after a throw is it still there; a newer runner of the same group may have taken its place.
      if (this.groups.get(key) === group) this.groups.delete(key);
      this.runners.delete(runner);
      this.wake();
    });
    this.runners.add(runner);
  }

  /** Handles a group's messages in order, once one of the `concurrency` places is free. */
  private async runGroup(key: string, waiting: Held[]): Promise<void> {
    if (this.running >= (this.options.concurrency ?? 10)) await new Promise<void>((resolve) => this.queuedRunners.push(resolve));
    else this.running += 1;
    try {
      await this.runInOrder(key, waiting);
    } finally {
      // A finishing group hands its place straight to a waiting one, so no newcomer can slip in between.
      const next = this.queuedRunners.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /**
   * The first message that is not done takes the rest of the group with it. Messages of
   * the group received meanwhile (a receive in progress when the poller stopped brings
   * them) join `waiting` and are given back in turn: the group leaves the map only once
   * nothing of it is left here.
   */
  private async runInOrder(key: string, waiting: Held[]): Promise<void> {
    while (waiting.length > 0) {
      if (this.options.signal.aborted) {
        await this.release(waiting.splice(0), 0);
        continue;
      }
      const held = waiting[0]!;
      const settlement = await this.handle(held);
      if (settlement === 'done') {
        waiting.shift();
        this.held.delete(held.record.receiptHandle);
        this.deletes.add(held.record.receiptHandle);
      } else if (settlement === 'failed') {
        // Stop extending them: they reappear when their visibility expires, in order, with a higher receive count.
        for (const rest of waiting.splice(0)) this.held.delete(rest.record.receiptHandle);
      } else {
        // Stopped or deferred: visible at once for another consumer; SQS keeps the group's order.
        await this.release(waiting.splice(0), 0);
      }
    }
    // In the same turn as the check above, so a message received from now on starts a runner of its own.
    this.groups.delete(key);
  }

  /** Runs in the scope of the message's booking, so the handler's calls and the DescribeExecution polls count as that booking's. */
  private handle({ record, reads }: Held): Promise<Settlement> {
    const bookingId = bookingIdIn(record.body);
    return withBooking(bookingId, async () => {
      const lateMs = this.options.late?.(bookingId) ?? 0;
      if (lateMs > 0) {
        await pause(lateMs, this.options.signal);
        if (this.options.signal.aborted) return 'stopped';
      }
      return this.settle(record, reads, this.options.duplicate?.(bookingId) ?? false);
    });
  }

  private async settle(record: QueueRecord, reads: DeliveryReads, twice: boolean): Promise<Settlement> {
    const maxHoldMs = (this.options.maxRetryHoldSeconds ?? this.visibilitySeconds) * 1000;
    let retryingSince: number | undefined;
    try {
      if (twice) await this.deliverDuplicate(record, reads);
      let outcome = await this.call(record, reads);
      for (;;) {
        if (outcome?.kind === 'in-saga') {
          const execution = await this.executionEnd(outcome.executionArn);
          if (execution === 'stopped') return 'stopped';
          // Its saga decided the booking: nothing is left to ask. A missing execution is the handler's to judge.
          if (execution === 'ended') return 'done';
        } else if (outcome?.kind === 'retry') {
          // Held, not given back: every receive counts towards the DLQ's maxReceiveCount, and "not yet" is no poison — for a while.
          retryingSince ??= Date.now();
          const leftMs = retryingSince + maxHoldMs - Date.now();
          if (leftMs <= 0) return this.giveUpRetrying(record, retryingSince);
          // Never past the bound: the handler gets a last answer at the bound rather than after it.
          await pause(Math.min(outcome.afterSeconds * 1000, leftMs), this.options.signal);
          if (this.options.signal.aborted) return 'stopped';
        } else {
          return 'done';
        }
        outcome = await this.call(record, reads);
      }
    } catch (error) {
      this.log({
        kind: 'handler-failed',
        message: `message ${record.messageId} (receive ${record.attributes.ApproximateReceiveCount ?? '?'}): ${describeError(error)}`,
      });
      return 'failed';
    }
  }

  /** Calls the handler; an answer to wait (retry, in-saga) makes the delivery forget its reads: what it waits for changes them. */
  private async call(record: QueueRecord, reads: DeliveryReads): Promise<PaymentOutcome | void> {
    const outcome = await this.options.handler(record, reads);
    if (outcome !== undefined && outcome.kind !== 'done') reads.forget();
    return outcome;
  }

  /** Logs that a message's retries outlasted maxRetryHoldSeconds; the group runner gives it back. */
  private giveUpRetrying(record: QueueRecord, retryingSince: number): Settlement {
    const seconds = ((Date.now() - retryingSince) / 1000).toFixed(1);
    this.log({
      kind: 'retry-gave-up',
      message: `message ${record.messageId} deferred for ${seconds} s (retry): given back to the queue (receive ${record.attributes.ApproximateReceiveCount ?? '?'})`,
    });
    return 'deferred';
  }

  /** The first of two deliveries: its outcome is dropped (the second one counts), a throw only logged. */
  private async deliverDuplicate(record: QueueRecord, reads: DeliveryReads): Promise<void> {
    try {
      await this.options.handler(record, reads);
    } catch (error) {
      this.log({ kind: 'handler-failed', message: `message ${record.messageId} (first of a duplicate delivery): ${describeError(error)}` });
    }
  }

  /** Polls DescribeExecution until the execution is not RUNNING (ended), does not exist (missing), or the poller stops. */
  private async executionEnd(executionArn: string): Promise<'ended' | 'missing' | 'stopped'> {
    const { sfn, signal } = this.options;
    for (;;) {
      await pause(this.options.executionPollMs ?? 1000, signal);
      if (signal.aborted) return 'stopped';
      try {
        const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }), { abortSignal: signal });
        if (status !== 'RUNNING') return 'ended';
      } catch (error) {
        if (signal.aborted) return 'stopped';
        if ((error as Error).name === 'ExecutionDoesNotExist') return 'missing';
        // Anything else may pass.
        this.log({ kind: 'aws-error', message: `DescribeExecution failed: ${describeError(error)}` });
      }
    }
  }

  /** Gives messages back to the queue: visible again after `seconds`. */
  private async release(messages: Held[], seconds: number): Promise<void> {
    for (const held of messages) this.held.delete(held.record.receiptHandle);
    await this.changeVisibility(messages, seconds);
  }

  /** Extends every held message whose lease is half gone to a full visibility timeout. */
  private async extendLeases(): Promise<void> {
    if (this.extending) return;
    this.extending = true;
    try {
      const now = Date.now();
      const due = [...this.held.values()].filter((held) => now - held.leasedAt >= (this.visibilitySeconds * 1000) / 2);
      const extended = await this.changeVisibility(due, this.visibilitySeconds);
      for (const held of extended) held.leasedAt = now;
    } finally {
      this.extending = false;
    }
  }

  /** ChangeMessageVisibilityBatch in chunks of ten; returns the messages that were changed, logs the rest. */
  private async changeVisibility(messages: Held[], seconds: number): Promise<Held[]> {
    const changed: Held[] = [];
    for (const chunk of chunks(messages)) {
      try {
        const { Successful, Failed } = await this.options.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.options.queueUrl,
            Entries: chunk.map((held, i) => ({ Id: String(i), ReceiptHandle: held.record.receiptHandle, VisibilityTimeout: seconds })),
          }),
        );
        for (const entry of Successful ?? []) changed.push(chunk[Number(entry.Id)]!);
        for (const entry of Failed ?? []) {
          this.log({ kind: 'batch-entry-failed', message: `message ${chunk[Number(entry.Id)]!.record.messageId}: visibility not changed (${entry.Code}: ${entry.Message})` });
        }
      } catch (error) {
        this.log({ kind: 'aws-error', message: `ChangeMessageVisibilityBatch failed: ${describeError(error)}` });
      }
    }
    return changed;
  }
}

/**
 * Deletes of finished messages, batched: a delete waits up to `delayMs` for others to
 * share its DeleteMessageBatch, or goes at once when ten are waiting.
 */
class Deletes {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly delayMs: number,
    private readonly log: RuntimeLogger,
  ) {}

  add(receiptHandle: string): void {
    this.pending.push(receiptHandle);
    if (this.pending.length >= batchSize) this.send();
    else this.timer ??= setTimeout(() => this.send(), this.delayMs);
  }

  /** Sends what is waiting and resolves once every delete has been answered. */
  async flush(): Promise<void> {
    this.send();
    await Promise.allSettled([...this.inFlight]);
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const chunk of chunks(this.pending.splice(0))) {
      const call = this.deleteBatch(chunk).finally(() => this.inFlight.delete(call));
      this.inFlight.add(call);
    }
  }

  private async deleteBatch(receiptHandles: string[]): Promise<void> {
    try {
      const { Failed } = await this.sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: receiptHandles.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle })) }),
      );
      // A failed delete means the message will be handled again: the handlers are idempotent, but it is worth knowing.
      for (const entry of Failed ?? []) this.log({ kind: 'batch-entry-failed', message: `delete failed (${entry.Code}: ${entry.Message}); the message will be redelivered` });
    } catch (error) {
      this.log({ kind: 'aws-error', message: `DeleteMessageBatch failed: ${describeError(error)}; ${receiptHandles.length} message(s) will be redelivered` });
    }
  }
}
