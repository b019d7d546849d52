import { AwsError } from '../aws-error.js';
import { invalidParameter } from './sns-errors.js';

/** A topic's settable attributes, checked, with what publishing needs parsed out. */
export interface TopicSettings {
  fifo: boolean;
  contentBasedDeduplication: boolean;
  /** FifoThroughputScope MessageGroup: deduplication is per message group, not per topic. */
  dedupScopeIsGroup: boolean;
  /** Every attribute as a string, as GetTopicAttributes answers them. */
  stored: Record<string, string>;
}

/** Attributes with a fixed set of values; `fifoOnly` ones exist on FIFO topics only. */
const enumerated: Record<string, { values: string[]; fifoOnly: boolean }> = {
  ContentBasedDeduplication: { values: ['true', 'false'], fifoOnly: true },
  FifoThroughputScope: { values: ['Topic', 'MessageGroup'], fifoOnly: true },
  SignatureVersion: { values: ['1', '2'], fifoOnly: false },
  TracingConfig: { values: ['PassThrough', 'Active'], fifoOnly: false },
};
const jsonValued = new Set(['Policy', 'DeliveryPolicy', 'ArchivePolicy']);
const freeForm = new Set(['DisplayName', 'KmsMasterKeyId']);
const fifoDefaults = { FifoTopic: 'true', ContentBasedDeduplication: 'false', FifoThroughputScope: 'Topic' };

/**
 * Applies `changes` on top of `current` (a new topic starts from the defaults), checking
 * each name and value as SNS does. FifoTopic must match the name and cannot change; an
 * empty value removes a JSON-valued attribute. Throws InvalidParameter.
 */
export function applyTopicAttributes(
  current: Record<string, string> | undefined,
  changes: Record<string, unknown>,
  fifo: boolean,
): TopicSettings {
  const stored: Record<string, string> = { ...(current ?? (fifo ? fifoDefaults : {})) };
  for (const [name, raw] of Object.entries(changes)) {
    if (typeof raw !== 'string') throw invalidParameter(`Attributes Reason: the value of ${name} must be a string.`);
    if (name === 'FifoTopic') {
      if (raw !== String(fifo)) throw fifoTopicMismatch(current !== undefined, raw);
      continue;
    }
    const choices = enumerated[name];
    if (choices) {
      if (choices.fifoOnly && !fifo) throw invalidParameter(`Attributes Reason: ${name} can only be set on FIFO topics.`);
      if (!choices.values.includes(raw)) throw invalidParameter(`${name} Reason: must be one of ${choices.values.join(', ')}.`);
    } else if (jsonValued.has(name)) {
      if (raw === '') {
        delete stored[name];
        continue;
      }
      checkJsonObject(name, raw);
    } else if (name === 'DisplayName') {
      if (raw.length > 100) throw invalidParameter('DisplayName Reason: must be at most 100 characters long.');
    } else if (!freeForm.has(name)) {
      throw invalidParameter('AttributeName');
    }
    stored[name] = raw;
  }
  return {
    fifo,
    contentBasedDeduplication: stored.ContentBasedDeduplication === 'true',
    dedupScopeIsGroup: stored.FifoThroughputScope === 'MessageGroup',
    stored,
  };
}

/**
 * FifoTopic disagreeing with the topic. AWS's words (as LocalStack records them): a
 * FifoTopic=true topic whose name lacks `.fifo` gets the naming rule, without the
 * "Invalid parameter" prefix; a `.fifo` name without FifoTopic=true is a standard topic
 * whose name is invalid; and FifoTopic cannot be set on an existing topic.
 */
function fifoTopicMismatch(existing: boolean, raw: string): AwsError {
  if (existing) return invalidParameter('AttributeName');
  if (raw === 'true') {
    return new AwsError(
      'InvalidParameter',
      'Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.',
    );
  }
  return invalidParameter('Topic Name');
}

/** Throws InvalidParameter naming `name` unless `raw` is a JSON object. */
export function checkJsonObject(name: string, raw: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParameter(`${name} Reason: not valid JSON.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter(`${name} Reason: must be a JSON object.`);
  }
  return parsed;
}

/** The delivery policy AWS reports for a topic that has none of its own. */
const defaultDeliveryPolicy = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});

/** The access policy AWS gives a new topic: its own account may do everything. */
function defaultPolicy(topicArn: string, account: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission',
          'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish',
        ],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': account } },
      },
    ],
  });
}

/** What GetTopicAttributes reports besides the stored attributes. */
export interface TopicFacts {
  arn: string;
  owner: string;
  subscriptionsConfirmed: number;
  subscriptionsDeleted: number;
}

/** Every attribute of a topic as GetTopicAttributes answers them. */
export function describeTopic(settings: TopicSettings, facts: TopicFacts): Record<string, string> {
  return {
    TopicArn: facts.arn,
    Owner: facts.owner,
    Policy: defaultPolicy(facts.arn, facts.owner),
    DisplayName: '',
    // booksim subscribes SQS queues only, which need no confirmation.
    SubscriptionsConfirmed: String(facts.subscriptionsConfirmed),
    SubscriptionsPending: '0',
    SubscriptionsDeleted: String(facts.subscriptionsDeleted),
    EffectiveDeliveryPolicy: settings.stored.DeliveryPolicy ?? defaultDeliveryPolicy,
    ...settings.stored,
  };
}
