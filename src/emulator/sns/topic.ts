import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { DedupWindow } from '../dedup-window.js';
import type { Subscription } from './subscription.js';
import { describeTopic, type TopicSettings } from './topic-attributes.js';

/** What Publish answers for a message; a FIFO duplicate gets the first copy's. */
export interface PublishReceipt {
  messageId: string;
  /** FIFO topics only: 20 digits, increasing per topic. */
  sequenceNumber?: string;
}

/** One SNS topic: its settings, its subscriptions in subscribe order, and its FIFO state. */
export class Topic {
  readonly subscriptions = new Map<string, Subscription>();
  tags: Record<string, string> = {};
  subscriptionsDeleted = 0;
  private readonly dedup: DedupWindow<PublishReceipt>;
  private nextSequence = 1n;

  constructor(
    readonly arn: string,
    readonly owner: string,
    /** Creation order, for listing and paging. */
    readonly serial: number,
    public settings: TopicSettings,
    clock: Clock,
  ) {
    this.dedup = new DedupWindow(clock);
  }

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
    const key = this.settings.dedupScopeIsGroup ? `${groupId}\u0000${dedupId}` : dedupId;
    const previous = this.dedup.recall(key);
    if (previous) return { receipt: previous, duplicate: true };
    const receipt = { messageId: randomUUID(), sequenceNumber: (this.nextSequence++).toString().padStart(20, '0') };
    this.dedup.remember(key, receipt);
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
