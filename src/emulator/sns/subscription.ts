import { AwsError } from '../aws-error.js';
import { isQueueArn } from './arns.js';
import { parseFilterPolicy, type FilterPolicy, type FilterPolicyScope } from './filter-policy.js';
import { invalidParameter } from './sns-errors.js';
import { checkJsonObject } from './topic-attributes.js';

/** A subscription's settable attributes, checked, with what delivery needs parsed out. */
export interface SubscriptionSettings {
  /** RawMessageDelivery: the queue gets the bare message and its attributes, not the JSON envelope. */
  raw: boolean;
  filter?: { policy: FilterPolicy; scope: FilterPolicyScope };
  /** The queue its RedrivePolicy names, for messages the subscribed queue cannot take. */
  deadLetterTargetArn?: string;
  /** Every attribute as a string, as GetSubscriptionAttributes answers them. */
  stored: Record<string, string>;
}

/** An `sqs` subscription: the only protocol booksim local delivers. */
export interface Subscription {
  arn: string;
  topicArn: string;
  /** The ARN of the subscribed queue. */
  endpoint: string;
  owner: string;
  /** Creation order, for listing and paging. */
  serial: number;
  settings: SubscriptionSettings;
}

const scopes: FilterPolicyScope[] = ['MessageAttributes', 'MessageBody'];
/** JSON-valued attributes; an empty value removes them. */
const jsonValued = new Set(['FilterPolicy', 'RedrivePolicy', 'DeliveryPolicy']);

/** What a subscription delivers from and to, which its RedrivePolicy must agree with. */
export interface SubscriptionTarget {
  topicArn: string;
  /** The subscribed queue's ARN. */
  endpoint: string;
}

/**
 * Applies `changes` on top of `current` (a new subscription starts from the defaults),
 * checking each name and value as SNS does, in its words (as recorded from AWS in
 * LocalStack's SNS snapshots). Subscribe puts "Attributes Reason: " before the reason,
 * SetSubscriptionAttributes does not. Throws InvalidParameter.
 */
export function applySubscriptionAttributes(
  current: Record<string, string> | undefined,
  changes: Record<string, unknown>,
  target: SubscriptionTarget,
  call: 'Subscribe' | 'SetSubscriptionAttributes',
): SubscriptionSettings {
  try {
    return apply(current, changes, target);
  } catch (error) {
    if (call === 'Subscribe' && error instanceof AwsError && error.code === 'InvalidParameter') {
      throw invalidParameter(`Attributes Reason: ${error.message.replace(/^Invalid parameter: /, '')}`);
    }
    throw error;
  }
}

function apply(current: Record<string, string> | undefined, changes: Record<string, unknown>, target: SubscriptionTarget): SubscriptionSettings {
  const stored = { ...(current ?? { RawMessageDelivery: 'false' }) };
  for (const [name, raw] of Object.entries(changes)) {
    if (typeof raw !== 'string') throw invalidParameter(`${name}: Invalid value. Must be a string.`);
    if (name === 'RawMessageDelivery') {
      if (!/^(true|false)$/i.test(raw)) throw invalidParameter(`RawMessageDelivery: Invalid value [${raw}]. Must be true or false.`);
      stored[name] = raw.toLowerCase();
    } else if (name === 'FilterPolicyScope') {
      if (!scopes.includes(raw as FilterPolicyScope)) {
        throw invalidParameter(`FilterPolicyScope: Invalid value [${raw}]. Please use either MessageBody or MessageAttributes`);
      }
      stored[name] = raw;
    } else if (jsonValued.has(name)) {
      if (raw === '') delete stored[name];
      else stored[name] = raw;
    } else if (name === 'SubscriptionRoleArn') {
      stored[name] = raw;
    } else {
      throw invalidParameter('AttributeName');
    }
  }
  // Each JSON-valued attribute must parse, or AWS answers "<Name>: failed to parse JSON."
  const json = Object.fromEntries([...jsonValued].filter((name) => stored[name] !== undefined).map((name) => [name, parseJson(name, stored[name]!)]));
  if (stored.DeliveryPolicy !== undefined) checkJsonObject('DeliveryPolicy', stored.DeliveryPolicy);
  const scope = (stored.FilterPolicyScope ?? 'MessageAttributes') as FilterPolicyScope;
  return {
    raw: stored.RawMessageDelivery === 'true',
    ...(stored.FilterPolicy !== undefined ? { filter: { policy: parseFilterPolicy(stored.FilterPolicy, scope), scope } } : {}),
    ...(json.RedrivePolicy !== undefined ? { deadLetterTargetArn: deadLetterTarget(json.RedrivePolicy, target) } : {}),
    stored,
  };
}

function parseJson(name: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw invalidParameter(`${name}: failed to parse JSON.`);
  }
}

/**
 * The dead-letter queue a RedrivePolicy names. A FIFO queue subscribed to a FIFO topic
 * needs a FIFO dead-letter queue (AWS's message); a standard topic's subscriptions need a
 * standard one, as the "Amazon SNS dead-letter queues" guide says (booksim's message:
 * a FIFO queue could not take a message without a group id).
 */
function deadLetterTarget(policy: unknown, target: SubscriptionTarget): string {
  const arn = (policy as { deadLetterTargetArn?: unknown } | null)?.deadLetterTargetArn;
  if (typeof arn !== 'string' || !isQueueArn(arn)) throw invalidParameter('RedrivePolicy: deadLetterTargetArn is an invalid arn');
  const topicFifo = target.topicArn.endsWith('.fifo');
  if (topicFifo && target.endpoint.endsWith('.fifo') && !arn.endsWith('.fifo')) {
    throw invalidParameter('RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.');
  }
  if (!topicFifo && arn.endsWith('.fifo')) {
    throw invalidParameter('RedrivePolicy: must use a standard queue as DLQ for a subscription to a standard topic.');
  }
  return arn;
}

/** Every attribute of a subscription as GetSubscriptionAttributes answers them. */
export function describeSubscription(subscription: Subscription): Record<string, string> {
  return {
    SubscriptionArn: subscription.arn,
    TopicArn: subscription.topicArn,
    Owner: subscription.owner,
    Protocol: 'sqs',
    Endpoint: subscription.endpoint,
    // The IAM principal that subscribed ("Amazon SNS data protection policies"); booksim checks no credentials, so the account's root.
    SubscriptionPrincipal: `arn:aws:iam::${subscription.owner}:root`,
    // An SQS subscription needs no confirmation.
    ConfirmationWasAuthenticated: 'true',
    PendingConfirmation: 'false',
    ...(subscription.settings.filter ? { FilterPolicyScope: subscription.settings.filter.scope } : {}),
    ...subscription.settings.stored,
  };
}

/** The row of a subscription in ListSubscriptions and ListSubscriptionsByTopic. */
export function listedSubscription(subscription: Subscription) {
  return {
    SubscriptionArn: subscription.arn,
    Owner: subscription.owner,
    Protocol: 'sqs',
    Endpoint: subscription.endpoint,
    TopicArn: subscription.topicArn,
  };
}
