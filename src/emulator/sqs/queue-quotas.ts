import { AwsError } from '../aws-error.js';
import type { Params } from '../params.js';
import type { Quotas } from '../quotas/quotas.js';
import type { QueueSettings } from './queue-attributes.js';

/**
 * The API actions whose calls a FIFO queue's throughput quota counts, each with its batch
 * version under the same action: AWS gives FIFO queues "300 transactions per second, per
 * API action", and "3,000 messages per second with batching" as 300 calls of 10 messages,
 * so a batch is one transaction of its action (SQS Developer Guide, Amazon SQS message
 * quotas; Troubleshoot FIFO throttling issues). Standard queues are "nearly unlimited":
 * no quota applies to them.
 */
const countedActions: Record<string, string> = {
  SendMessage: 'SendMessage',
  SendMessageBatch: 'SendMessage',
  ReceiveMessage: 'ReceiveMessage',
  DeleteMessage: 'DeleteMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibility: 'ChangeMessageVisibility',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/** The operations a FIFO queue's quota counts. */
export const quotaCountedOperations = Object.keys(countedActions);

/**
 * A throttled call as SQS answers it: the model's RequestThrottled (awsQueryError code
 * RequestThrottled, HTTP 403, a sender fault), which AWS's query endpoint has been seen to
 * answer as `403 RequestThrottled Sender "Request is throttled."`. The AWS SDKs retry it
 * as a throttle (RequestThrottled is one of their throttling codes).
 */
export function requestThrottled(): AwsError {
  return new AwsError('RequestThrottled', 'Request is throttled.', 403, 'RequestThrottled');
}

/**
 * High-throughput mode, as AWS defines it: FifoThroughputLimit=perMessageGroupId together
 * with DeduplicationScope=messageGroup; any other pair keeps a FIFO queue in normal mode
 * (SQS Developer Guide, Enabling high throughput for FIFO queues).
 */
export function isHighThroughput(settings: QueueSettings): boolean {
  return settings.fifo && settings.stored.FifoThroughputLimit === 'perMessageGroupId' && settings.dedupScopeIsGroup;
}

/** The message groups a send names, each once: a batch's messages of one group share a partition and one transaction. */
function messageGroupsOf(operation: string, params: Params): string[] {
  if (countedActions[operation] !== 'SendMessage') return [];
  const messages = operation === 'SendMessageBatch' ? (Array.isArray(params.Entries) ? (params.Entries as Params[]) : []) : [params];
  return [...new Set(messages.map((message) => message?.MessageGroupId).filter((group): group is string => typeof group === 'string'))];
}

/**
 * Takes one call of `operation` on a queue from its quotas, or throws RequestThrottled.
 * Without high throughput: one transaction of the action per queue. With it: one of the
 * action per queue from the region's figure, and for a send one per message group it
 * names (a group lives in one partition, which takes 300 a second). A receive, delete or
 * visibility change names no group before it runs, so only the queue's figure counts it.
 */
export function takeQueueQuota(quotas: Quotas, queue: { name: string; settings: QueueSettings }, operation: string, params: Params): void {
  const action = countedActions[operation];
  if (action === undefined || !queue.settings.fifo) return;
  const resource = `${queue.name} ${action}`;
  if (!isHighThroughput(queue.settings)) {
    if (!quotas.take('sqs.fifo.perQueueAction', resource)) throw requestThrottled();
    return;
  }
  for (const group of messageGroupsOf(operation, params)) {
    if (!quotas.take('sqs.fifo.highThroughput.perMessageGroup', `${resource} (message group ${group})`)) throw requestThrottled();
  }
  if (!quotas.take('sqs.fifo.highThroughput.perQueue', resource)) throw requestThrottled();
}
