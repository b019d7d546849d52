import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Subscription } from './subscription.js';
import { describeTopic, type TopicSettings } from './topic-attributes.js';

/** What Publish answers for a message; a FIFO duplicate gets the first copy's. */
export interface PublishReceipt {
  messageId: string;
  /** FIFO topics only: 20 digits, increasing per topic. */
  sequenceNumber?: string;
}

const dedupWindowMs = 5 * 60 * 1000;

/** One SNS topic: its settings, its subscriptions in subscribe order, and its FIFO state. */
export class Topic {
  readonly subscriptions = new Map<string, Subscription>();
  tags: Record<string, string> = {};
  subscriptionsDeleted = 0;
  /** Kept in insertion order, which is expiry order, so pruning stops at the first live entry. */
  private readonly dedup = new Map<string, { receipt: PublishReceipt; expiresAt: number }>();
  private nextSequence = 1n;

  constructor(
    readonly arn: string,
    readonly owner: string,
    /** Creation order, for listing and paging. */
    readonly serial: number,
    public settings: TopicSettings,
    private readonly clock: Clock,
  ) {}

  get fifo(): boolean {
    return this.settings.fifo;
  }

  /**
   * Gives a message its id and, on a FIFO topic, its sequence number. A FIFO message whose
   * deduplication id (within its group, if the topic's throughput scope is MessageGroup)
   * was accepted in the last 5 minutes is a duplicate: it gets the first one's receipt.
   */
  admit(groupId: string | undefined, dedupId: string | undefined): { receipt: PublishReceipt; duplicate: boolean } {
    if (dedupId === undefined) return { receipt: { messageId: randomUUID() }, duplicate: false };
    const now = this.clock.now();
    const key = this.settings.dedupScopeIsGroup ? `${groupId}\u0000${dedupId}` : dedupId;
    const previous = this.dedup.get(key);
    if (previous && previous.expiresAt > now) return { receipt: previous.receipt, duplicate: true };
    for (const [oldKey, entry] of this.dedup) {
      if (entry.expiresAt > now) break;
      this.dedup.delete(oldKey);
    }
    const receipt = { messageId: randomUUID(), sequenceNumber: (this.nextSequence++).toString().padStart(20, '0') };
    this.dedup.set(key, { receipt, expiresAt: now + dedupWindowMs });
    return { receipt, duplicate: false };
  }

  /** Every attribute as GetTopicAttributes answers them. */
  describe(): Record<string, string> {
    return describeTopic(this.settings, {
      arn: this.arn,
      owner: this.owner,
      subscriptionsConfirmed: this.subscriptions.size,
      subscriptionsDeleted: this.subscriptionsDeleted,
    });
  }
}
