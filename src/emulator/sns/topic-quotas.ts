import { AwsError } from '../aws-error.js';
import type { Quotas } from '../quotas/quotas.js';
import type { TopicSettings } from './topic-attributes.js';

/**
 * A throttled publish as SNS answers it on its query wire: `Throttling`, "Rate exceeded",
 * HTTP 400, a sender fault (the query protocol's common Throttling error; SNS's Publish is
 * answered so, as Amazon's own smoke-aws client records). The AWS SDKs retry `Throttling`
 * as a throttle. The model's ThrottledException (429) belongs to the SMS operations only.
 */
export function rateExceeded(): AwsError {
  return new AwsError('Throttling', 'Rate exceeded', 400);
}

/**
 * Takes the messages of one Publish or PublishBatch call (their message groups, one entry
 * a message) from a FIFO topic's quotas, or throws Throttling: every message counts against
 * its group's figure, and with FifoThroughputScope=Topic against the topic's too (3,000 a
 * second; with MessageGroup "higher throughput per topic subject to regional quotas",
 * SetTopicAttributes, Amazon SNS API Reference). A standard topic has no quota here.
 */
export function takeTopicQuota(quotas: Quotas, topic: { arn: string; settings: TopicSettings }, messageGroups: string[]): void {
  if (!topic.settings.fifo || messageGroups.length === 0) return;
  const name = topic.arn.slice(topic.arn.lastIndexOf(':') + 1);
  const perGroup = new Map<string, number>();
  for (const group of messageGroups) perGroup.set(group, (perGroup.get(group) ?? 0) + 1);
  for (const [group, count] of perGroup) {
    if (!quotas.take('sns.fifo.perMessageGroup', `${name} (message group ${group})`, count)) throw rateExceeded();
  }
  if (!topic.settings.dedupScopeIsGroup && !quotas.take('sns.fifo.perTopic', name, messageGroups.length)) throw rateExceeded();
}
