import { AwsError, invalidParameterValue } from '../aws-error.js';

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

/** The largest message SQS takes, and the default MaximumMessageSize (the API reference, CreateQueue). */
export const maxMessageBytes = 1_048_576;

/** Defaults of a new queue, as the API reference (CreateQueue) gives them. */
const defaults: Record<string, string> = {
  DelaySeconds: '0',
  MaximumMessageSize: String(maxMessageBytes),
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

const integerRanges: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, maxMessageBytes],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

const fifoOnly: Record<string, string[]> = {
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};

/** Boolean attributes: SQS reads `True` as `true` and answers them in lower case. */
const booleans = new Set(['FifoQueue', 'ContentBasedDeduplication', 'SqsManagedSseEnabled']);

const freeForm = new Set(['Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId']);

/** Whether CreateQueue's attributes ask for a FIFO queue (`FifoQueue` true, in any case). */
export function asksForFifo(attributes: Record<string, unknown>): boolean {
  return typeof attributes.FifoQueue === 'string' && attributes.FifoQueue.toLowerCase() === 'true';
}

/**
 * Checks a new queue's name against its type. A FIFO queue's name ends in `.fifo`, which
 * counts towards the 80 characters; a standard queue's name cannot (the dot is refused).
 */
export function checkQueueName(name: string, fifo: boolean): void {
  if (fifo && !name.endsWith('.fifo')) {
    throw invalidParameterValue('The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length');
  }
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(fifo ? `${name.slice(0, -5)}_fifo` : name)) {
    throw invalidParameterValue('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
  }
}

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
  for (const [name, given] of Object.entries(changes)) {
    if (typeof given !== 'string') throw invalidValue(name, 'Attribute values must be strings.');
    const raw = booleans.has(name) ? given.toLowerCase() : given;
    if (name === 'FifoQueue' || name === 'ContentBasedDeduplication' || fifoOnly[name]) checkFifoOnly(name, fifo);
    if (booleans.has(name) && raw !== 'true' && raw !== 'false') throw invalidValue(name, 'Must be true or false.');
    if (name === 'FifoQueue' && raw !== 'true') throw invalidValue(name, 'Modifying queue type is not supported.');
    const range = integerRanges[name];
    if (range) {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(value) || value < range[0] || value > range[1]) {
        throw invalidValue(name, `Must be an integer from ${range[0]} to ${range[1]}.`);
      }
    } else if (fifoOnly[name]) {
      if (!fifoOnly[name].includes(raw)) throw invalidValue(name, `Must be one of ${fifoOnly[name].join(', ')}.`);
    } else if (name === 'RedrivePolicy') {
      if (raw !== '') parseRedrivePolicy(raw);
    } else if (!freeForm.has(name) && !booleans.has(name)) {
      throw new AwsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
    stored[name] = raw;
  }
  // An empty policy removes the policy: GetQueueAttributes then answers none, as for a queue that never had one.
  for (const name of ['RedrivePolicy', 'Policy']) if (stored[name] === '') delete stored[name];
  return settingsFrom(stored, fifo);
}

/**
 * Refuses a FIFO attribute on a standard queue as SQS does (AWS answers `Unknown Attribute
 * FifoQueue.` even for `FifoQueue=false`; the throughput settings name the rule).
 */
function checkFifoOnly(name: string, fifo: boolean): void {
  if (fifo) return;
  if (fifoOnly[name]) throw new AwsError('InvalidAttributeName', `You can specify the ${name} only when FifoQueue is set to true.`);
  throw new AwsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
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
