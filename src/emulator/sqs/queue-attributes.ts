import { AwsError } from '../aws-error.js';

/** Where a queue sends messages it could not get processed. */
export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** A queue's settable attributes, parsed and checked. */
export interface QueueSettings {
  fifo: boolean;
  contentBasedDeduplication: boolean;
  dedupScopeIsGroup: boolean;
  delaySeconds: number;
  maximumMessageSize: number;
  messageRetentionSeconds: number;
  receiveWaitSeconds: number;
  visibilityTimeoutSeconds: number;
  redrivePolicy?: RedrivePolicy;
  /** Every settable attribute as a string, as GetQueueAttributes answers them. */
  stored: Record<string, string>;
}

/**
 * Defaults of a new queue. MaximumMessageSize is 256 KiB, the limit booksim's queues are
 * deployed with and the one SNS shares; AWS accepts up to 1 MiB when asked.
 */
const defaults: Record<string, string> = {
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

const integerRanges: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

const fifoOnly: Record<string, string[]> = {
  ContentBasedDeduplication: ['true', 'false'],
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};

const freeForm = new Set(['Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId', 'SqsManagedSseEnabled']);

/** Every attribute name GetQueueAttributes knows (the QueueAttributeName enum of the API). */
export const queueAttributeNames = new Set([
  'All', 'Policy', 'VisibilityTimeout', 'MaximumMessageSize', 'MessageRetentionPeriod',
  'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'CreatedTimestamp',
  'LastModifiedTimestamp', 'QueueArn', 'ApproximateNumberOfMessagesDelayed', 'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds', 'RedrivePolicy', 'FifoQueue', 'ContentBasedDeduplication',
  'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'DeduplicationScope', 'FifoThroughputLimit',
  'RedriveAllowPolicy', 'SqsManagedSseEnabled',
]);

function invalidValue(name: string, reason: string): AwsError {
  return new AwsError('InvalidAttributeValue', `Invalid value for the parameter ${name}. Reason: ${reason}`);
}

/** Parses a RedrivePolicy attribute (JSON with deadLetterTargetArn and maxReceiveCount 1–1000). */
function parseRedrivePolicy(value: string): RedrivePolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidValue('RedrivePolicy', 'Redrive policy is not a valid JSON map.');
  }
  const policy = parsed as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  const maxReceiveCount = Number(policy.maxReceiveCount);
  if (typeof policy.deadLetterTargetArn !== 'string' || !policy.deadLetterTargetArn.startsWith('arn:')) {
    throw invalidValue('RedrivePolicy', 'Dead letter target ARN is missing or invalid.');
  }
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw invalidValue('RedrivePolicy', 'Value of maxReceiveCount must be an integer from 1 to 1000.');
  }
  return { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount };
}

/**
 * Applies `changes` on top of `current` (a new queue starts from the defaults) and checks
 * every value the way SQS does. Throws InvalidAttributeName / InvalidAttributeValue.
 */
export function applyQueueAttributes(
  current: Record<string, string> | undefined,
  changes: Record<string, unknown>,
  fifo: boolean,
): QueueSettings {
  const stored = { ...(current ?? { ...defaults, ...(fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'false', DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' } : {}) }) };
  for (const [name, raw] of Object.entries(changes)) {
    if (typeof raw !== 'string') throw invalidValue(name, 'Attribute values must be strings.');
    if (name === 'FifoQueue') {
      if (raw !== String(fifo)) throw invalidValue(name, current ? 'FifoQueue cannot be changed.' : 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix.');
      continue;
    }
    const range = integerRanges[name];
    if (range) {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(value) || value < range[0] || value > range[1]) {
        throw invalidValue(name, `Must be an integer from ${range[0]} to ${range[1]}.`);
      }
    } else if (fifoOnly[name]) {
      if (!fifo) throw new AwsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
      if (!fifoOnly[name].includes(raw)) throw invalidValue(name, `Must be one of ${fifoOnly[name].join(', ')}.`);
    } else if (name === 'RedrivePolicy') {
      if (raw !== '') parseRedrivePolicy(raw);
    } else if (!freeForm.has(name)) {
      throw new AwsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
    stored[name] = raw;
  }
  if (stored.RedrivePolicy === '') delete stored.RedrivePolicy;
  return settingsFrom(stored, fifo);
}

function settingsFrom(stored: Record<string, string>, fifo: boolean): QueueSettings {
  const number = (name: string) => Number(stored[name]);
  return {
    fifo,
    contentBasedDeduplication: stored.ContentBasedDeduplication === 'true',
    dedupScopeIsGroup: stored.DeduplicationScope === 'messageGroup',
    delaySeconds: number('DelaySeconds'),
    maximumMessageSize: number('MaximumMessageSize'),
    messageRetentionSeconds: number('MessageRetentionPeriod'),
    receiveWaitSeconds: number('ReceiveMessageWaitTimeSeconds'),
    visibilityTimeoutSeconds: number('VisibilityTimeout'),
    ...(stored.RedrivePolicy ? { redrivePolicy: parseRedrivePolicy(stored.RedrivePolicy) } : {}),
    stored,
  };
}
