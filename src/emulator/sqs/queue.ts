import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Random } from '../../random.js';
import { AwsError, invalidParameterValue } from '../aws-error.js';
import { type MessageAttributes, md5OfBody, md5OfMessageAttributes } from '../message-attributes.js';
import { DedupWindow } from '../dedup-window.js';
import { Signal } from '../signal.js';
import type { QueueSettings } from './queue-attributes.js';
import { decodeReceipt, encodeReceipt } from './receipt-handle.js';

/** What a producer hands to a queue. */
export interface OutgoingMessage {
  body: string;
  attributes: MessageAttributes;
  groupId?: string;
  dedupId?: string;
  delaySeconds?: number;
  /** The AWSTraceHeader message system attribute, when the producer sent one. */
  traceHeader?: string;
}

/** A message as stored, from send until delete. */
export interface StoredMessage {
  /** Unique per stored copy; a duplicated delivery shares the messageId but not the key. */
  key: number;
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes: MessageAttributes;
  md5OfAttributes: string | undefined;
  sentAt: number;
  visibleAt: number;
  /** When DelaySeconds ends; a message held back longer by standard-queue chaos counts as visible, not delayed, after it. */
  delayedUntil: number;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Set when the message came from another queue's redrive. */
  deadLetterSourceArn?: string;
  traceHeader?: string;
}

/** The answer to a send: what SQS reports back. */
export interface SendResult {
  messageId: string;
  md5OfBody: string;
  md5OfAttributes: string | undefined;
  sequenceNumber?: string;
}

/** A received message with the receipt handle of this receive. */
export interface ReceivedMessage {
  message: StoredMessage;
  receiptHandle: string;
}

/** Looks up the queue a redrive policy names; undefined when it does not exist. */
export type QueueLookup = (arn: string) => Queue | undefined;

const purgeIntervalMs = 60 * 1000;

/**
 * Longest time standard-queue chaos holds a sent message back. Real SQS standard queues give
 * best-effort order only; a message held back this long is overtaken by those sent within
 * the next seconds, which is the reordering a consumer must survive.
 */
const maxLagMs = 2000;

/**
 * One SQS queue: FIFO or standard, with the semantics booksim depends on — per-group
 * order and group blocking, the 5-minute deduplication window, visibility timeouts,
 * redrive to a dead-letter queue, and wake-ups for long polls.
 */
export class Queue {
  readonly createdAt: number;
  lastModifiedAt: number;
  tags: Record<string, string> = {};
  private readonly messages = new Map<number, StoredMessage>();
  private dedup: DedupWindow<SendResult>;
  private readonly changed: Signal;
  private nextKey = 1;
  private nextSequence = 1n;
  private lastPurgeAt = -Infinity;

  constructor(
    readonly name: string,
    readonly arn: string,
    public settings: QueueSettings,
    private readonly clock: Clock,
    private readonly random: Random,
    /** Probability that a standard queue duplicates a send, delivers a stored message late, or shuffles a receive. */
    private readonly standardChaos: number,
  ) {
    this.createdAt = clock.now();
    this.lastModifiedAt = this.createdAt;
    this.changed = new Signal(clock);
    this.dedup = new DedupWindow(clock);
  }

  get fifo(): boolean {
    return this.settings.fifo;
  }

  /** Stores a message (or recognises a duplicate within the deduplication window). */
  send(message: OutgoingMessage): SendResult {
    const now = this.clock.now();
    const dedupKey = this.fifo ? this.dedupKeyOf(message) : undefined;
    if (dedupKey !== undefined) {
      const previous = this.dedup.recall(dedupKey);
      // A duplicate is acknowledged as the original message; the checksums are of this request, as the SDK verifies them.
      if (previous) {
        return { ...previous, md5OfBody: md5OfBody(message.body), md5OfAttributes: md5OfMessageAttributes(message.attributes) };
      }
    }
    const stored = this.store(message, now, randomUUID());
    this.maybeDeliverLate(stored);
    const result: SendResult = {
      messageId: stored.messageId,
      md5OfBody: stored.md5OfBody,
      md5OfAttributes: stored.md5OfAttributes,
      ...(stored.sequenceNumber ? { sequenceNumber: stored.sequenceNumber } : {}),
    };
    if (dedupKey !== undefined) this.dedup.remember(dedupKey, result);
    if (this.chaosStrikes()) this.maybeDeliverLate(this.store(message, now, stored.messageId));
    this.notify();
    return result;
  }

  /** Takes in a message moved here by another queue's redrive policy. */
  acceptDeadLetter(message: StoredMessage, sourceArn: string): void {
    const stored = this.store(
      { body: message.body, attributes: message.attributes, groupId: message.groupId, dedupId: message.dedupId, traceHeader: message.traceHeader },
      this.clock.now(),
      message.messageId,
    );
    // As on AWS: a standard message keeps its enqueue time (and so its expiry), a FIFO one starts anew.
    if (!this.fifo) stored.sentAt = message.sentAt;
    stored.deadLetterSourceArn = sourceArn;
    this.notify();
  }

  private store(message: OutgoingMessage, now: number, messageId: string): StoredMessage {
    const delaySeconds = message.delaySeconds ?? this.settings.delaySeconds;
    const stored: StoredMessage = {
      key: this.nextKey++,
      messageId,
      body: message.body,
      md5OfBody: md5OfBody(message.body),
      attributes: message.attributes,
      md5OfAttributes: md5OfMessageAttributes(message.attributes),
      sentAt: now,
      visibleAt: now + delaySeconds * 1000,
      delayedUntil: now + delaySeconds * 1000,
      receiveCount: 0,
      ...(message.groupId !== undefined ? { groupId: message.groupId } : {}),
      ...(message.dedupId !== undefined ? { dedupId: message.dedupId } : {}),
      ...(message.traceHeader !== undefined ? { traceHeader: message.traceHeader } : {}),
      ...(this.fifo ? { sequenceNumber: (this.nextSequence++).toString().padStart(20, '0') } : {}),
    };
    this.messages.set(stored.key, stored);
    return stored;
  }

  /**
   * With chaos, holds a sent message back by up to {@link maxLagMs}. Each stored copy draws
   * its own lag, so a duplicate may arrive before or after its original.
   */
  private maybeDeliverLate(stored: StoredMessage): void {
    if (this.chaosStrikes()) stored.visibleAt += this.random() * maxLagMs;
  }

  /** Whether chaos strikes this time; a FIFO queue, or chaos 0, draws no random number. */
  private chaosStrikes(): boolean {
    return !this.fifo && this.standardChaos > 0 && this.random() < this.standardChaos;
  }

  private dedupKeyOf(message: OutgoingMessage): string {
    const id = message.dedupId ?? md5OfBody(message.body);
    return this.settings.dedupScopeIsGroup ? `${message.groupId}\u0000${id}` : id;
  }

  /**
   * Receives up to `max` visible messages and makes them invisible for
   * `visibilityTimeoutSeconds`. Messages received more than maxReceiveCount times move to
   * the DLQ. FIFO: skipping every group that has a message in flight, and as AWS documents
   * ("FIFO queue delivery logic"): as many messages of one group as possible, in order,
   * then other groups in queue order, each in its own order.
   */
  receive(max: number, visibilityTimeoutSeconds: number, lookup: QueueLookup): ReceivedMessage[] {
    const now = this.clock.now();
    this.dropExpired(now);
    const chosen = this.fifo ? this.fifoCandidates(max, now, lookup) : this.standardCandidates(max, now, lookup);
    return chosen.map((message) => {
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilityTimeoutSeconds * 1000;
      return { message, receiptHandle: encodeReceipt(this.name, message) };
    });
  }

  /** Whether a message may be handed out now; one past maxReceiveCount is moved to the DLQ instead. */
  private receivable(message: StoredMessage, now: number, lookup: QueueLookup): boolean {
    return message.visibleAt <= now && !this.redriveIfExhausted(message, lookup);
  }

  private standardCandidates(max: number, now: number, lookup: QueueLookup): StoredMessage[] {
    const candidates: StoredMessage[] = [];
    // A standard queue may hand out messages out of order: with chaos, pick from a wider window.
    const reorder = this.chaosStrikes();
    const wanted = reorder ? max * 2 : max;
    for (const message of this.messages.values()) {
      if (candidates.length >= wanted) break;
      if (this.receivable(message, now, lookup)) candidates.push(message);
    }
    if (reorder) shuffle(candidates, this.random);
    return candidates.slice(0, max);
  }

  private fifoCandidates(max: number, now: number, lookup: QueueLookup): StoredMessage[] {
    const blockedGroups = new Set<string>();
    for (const message of this.messages.values()) {
      if (message.receiveCount > 0 && message.visibleAt > now) blockedGroups.add(message.groupId!);
    }
    // Groups in the order of their oldest receivable message; each list in queue order.
    const groups = new Map<string, StoredMessage[]>();
    let first: StoredMessage[] | undefined;
    for (const message of this.messages.values()) {
      if (blockedGroups.has(message.groupId!) || !this.receivable(message, now, lookup)) continue;
      const group = groups.get(message.groupId!) ?? [];
      if (group.length === 0) groups.set(message.groupId!, group);
      group.push(message);
      first ??= group;
      // The first group alone fills the batch: nothing further back can be handed out.
      if (first.length >= max) break;
    }
    return [...groups.values()].flat().slice(0, max);
  }

  private redriveIfExhausted(message: StoredMessage, lookup: QueueLookup): boolean {
    const policy = this.settings.redrivePolicy;
    if (!policy || message.receiveCount < policy.maxReceiveCount) return false;
    const deadLetterQueue = lookup(policy.deadLetterTargetArn);
    if (!deadLetterQueue || deadLetterQueue === this) return false;
    this.messages.delete(message.key);
    deadLetterQueue.acceptDeadLetter(message, this.arn);
    return true;
  }

  /**
   * Drops messages past the retention period, oldest first. It stops at the first one still
   * kept, so receives stay cheap on long queues; a standard message redriven here with an
   * older enqueue time may outlive its retention a little, behind younger ones.
   */
  private dropExpired(now: number): void {
    const oldest = now - this.settings.messageRetentionSeconds * 1000;
    for (const message of this.messages.values()) {
      if (message.sentAt >= oldest) break;
      this.messages.delete(message.key);
    }
  }

  /**
   * Deletes the message a receipt handle names. A handle of a message already deleted is
   * accepted, as SQS does; a stale one (the message was received again since) deletes
   * nothing, and on a FIFO queue it is refused as expired.
   */
  delete(receiptHandle: string): void {
    const message = this.messageOf(receiptHandle);
    if (!message) return;
    this.messages.delete(message.key);
    this.notify();
  }

  /**
   * Changes how long a message in flight stays invisible; 0 makes it visible at once. A
   * handle whose timeout has run out changes nothing and is not refused, and one of a
   * deleted or since received message is refused as "not available": what AWS answers
   * (LocalStack's AWS-validated tests, localstack#9632; AWS does not send the
   * MessageNotInflight its model lists).
   */
  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): void {
    const receipt = this.receiptOf(receiptHandle);
    const message = this.messages.get(receipt.key);
    const now = this.clock.now();
    if (!message || message.receiveCount !== receipt.receiveCount) {
      throw invalidParameterValue(`Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
    }
    if (message.visibleAt <= now) return;
    message.visibleAt = now + visibilityTimeoutSeconds * 1000;
    this.notify();
  }

  /** A receipt handle this queue gave out, decoded; anything else is refused. */
  private receiptOf(receiptHandle: string): { key: number; receiveCount: number } {
    const receipt = decodeReceipt(receiptHandle);
    if (!receipt || receipt.queue !== this.name) {
      throw new AwsError('ReceiptHandleIsInvalid', `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`, 404);
    }
    return receipt;
  }

  /** The current message of a valid, current receipt handle; undefined when it is gone. */
  private messageOf(receiptHandle: string): StoredMessage | undefined {
    const receipt = this.receiptOf(receiptHandle);
    const message = this.messages.get(receipt.key);
    if (!message) return undefined;
    const expired = this.fifo && message.visibleAt <= this.clock.now();
    if (message.receiveCount !== receipt.receiveCount || expired) {
      if (this.fifo) throw invalidParameterValue(`Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`);
      return undefined;
    }
    return message;
  }

  /**
   * Removes every message, and forgets the deduplication ids of the last 5 minutes (as
   * LocalStack's AWS-validated test records, localstack#8218; AWS's docs do not say). SQS
   * allows this once a minute.
   */
  purge(): void {
    const now = this.clock.now();
    if (now - this.lastPurgeAt < purgeIntervalMs) {
      throw new AwsError(
        'PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${this.name} is allowed every 60 seconds.`,
        403,
        'AWS.SimpleQueueService.PurgeQueueInProgress',
      );
    }
    this.lastPurgeAt = now;
    this.messages.clear();
    this.dedup = new DedupWindow(this.clock);
    this.notify();
  }

  /**
   * Counts for the Approximate* attributes. A message chaos delivers late counts as visible:
   * SQS counts a message available though a receive may miss it, and settling reads only
   * the visible and in-flight counts, so it must not take a late message for none.
   */
  counts(): { visible: number; inFlight: number; delayed: number } {
    const now = this.clock.now();
    this.dropExpired(now);
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of this.messages.values()) {
      if (message.visibleAt > now && message.receiveCount > 0) inFlight++;
      else if (message.delayedUntil > now) delayed++;
      else visible++;
    }
    return { visible, inFlight, delayed };
  }

  /**
   * Resolves when something may have become receivable: a send, a delete, a visibility
   * change, a message whose timeout, delay or late delivery runs out — or at `deadline`, or when `cancel` aborts.
   */
  waitForChange(deadline: number, cancel?: AbortSignal): Promise<void> {
    return this.changed.wait(Math.min(deadline, this.nextVisibleAt(this.clock.now())), cancel);
  }

  private nextVisibleAt(now: number): number {
    let next = Infinity;
    for (const message of this.messages.values()) if (message.visibleAt > now && message.visibleAt < next) next = message.visibleAt;
    return next;
  }

  private notify(): void {
    this.lastModifiedAt = Math.max(this.lastModifiedAt, this.clock.now());
    this.changed.notify();
  }

  /** Releases every long poll; the queue takes no more waiters. */
  close(): void {
    this.changed.close();
  }

  get isClosed(): boolean {
    return this.changed.isClosed;
  }
}

function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
