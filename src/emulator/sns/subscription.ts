import { isQueueArn } from './arns.js';
import { parseFilterPolicy, type FilterPolicy, type FilterPolicyScope } from './filter-policy.js';
import { invalidParameter } from './sns-errors.js';
import { checkJsonObject } from './topic-attributes.js';

/** A subscription's settable attributes, checked, with what delivery needs parsed out. */
export interface SubscriptionSettings {
  /** RawMessageDelivery: the queue gets the bare message and its attributes, not the JSON envelope. */
  raw: boolean;
  filter?: { policy: FilterPolicy; scope: FilterPolicyScope };
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

/**
 * Applies `changes` on top of `current` (a new subscription starts from the defaults),
 * checking each name and value as SNS does. Throws InvalidParameter.
 */
export function applySubscriptionAttributes(current: Record<string, string> | undefined, changes: Record<string, unknown>): SubscriptionSettings {
  const stored = { ...(current ?? { RawMessageDelivery: 'false' }) };
  for (const [name, raw] of Object.entries(changes)) {
    if (typeof raw !== 'string') throw invalidParameter(`Attributes Reason: the value of ${name} must be a string.`);
    if (name === 'RawMessageDelivery') {
      if (!/^(true|false)$/i.test(raw)) throw invalidParameter('RawMessageDelivery Reason: must be true or false.');
      stored[name] = raw.toLowerCase();
    } else if (name === 'FilterPolicyScope') {
      if (!scopes.includes(raw as FilterPolicyScope)) throw invalidParameter(`FilterPolicyScope Reason: must be one of ${scopes.join(', ')}.`);
      stored[name] = raw;
    } else if (jsonValued.has(name)) {
      if (raw === '') delete stored[name];
      else stored[name] = raw;
    } else if (name === 'SubscriptionRoleArn') {
      stored[name] = raw;
    } else {
      throw invalidParameter(`AttributeName Reason: ${name} is not a subscription attribute.`);
    }
  }
  if (stored.RedrivePolicy !== undefined) checkRedrivePolicy(stored.RedrivePolicy);
  if (stored.DeliveryPolicy !== undefined) checkJsonObject('DeliveryPolicy', stored.DeliveryPolicy);
  const scope = (stored.FilterPolicyScope ?? 'MessageAttributes') as FilterPolicyScope;
  return {
    raw: stored.RawMessageDelivery === 'true',
    ...(stored.FilterPolicy !== undefined ? { filter: { policy: parseFilterPolicy(stored.FilterPolicy, scope), scope } } : {}),
    stored,
  };
}

function checkRedrivePolicy(raw: string): void {
  const policy = checkJsonObject('RedrivePolicy', raw) as { deadLetterTargetArn?: unknown };
  if (typeof policy.deadLetterTargetArn !== 'string' || !isQueueArn(policy.deadLetterTargetArn)) {
    throw invalidParameter('RedrivePolicy Reason: deadLetterTargetArn must be an SQS queue ARN.');
  }
}

/** Every attribute of a subscription as GetSubscriptionAttributes answers them. */
export function describeSubscription(subscription: Subscription): Record<string, string> {
  return {
    SubscriptionArn: subscription.arn,
    TopicArn: subscription.topicArn,
    Owner: subscription.owner,
    Protocol: 'sqs',
    Endpoint: subscription.endpoint,
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
