import type { AwsError } from '../aws-error.js';
import { requiredString, type Params } from '../params.js';
import { invalidParameter } from './sns-errors.js';

/** The parts of `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`. */
export interface Arn {
  service: string;
  region: string;
  account: string;
  resource: string;
}

const arnPattern = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]+):(\d{12}):(.+)$/;
const queueNamePattern = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

/** Splits an ARN into its parts; undefined when the text is not one. */
export function parseArn(value: string): Arn | undefined {
  const match = arnPattern.exec(value);
  return match ? { service: match[1]!, region: match[2]!, account: match[3]!, resource: match[4]! } : undefined;
}

/** True for an SNS topic name: 1–256 letters, digits, `_` and `-`, FIFO ones ending in `.fifo`. */
export function isTopicName(name: string): boolean {
  return name.length <= 256 && /^[A-Za-z0-9_-]+(\.fifo)?$/.test(name);
}

/** Reads a required parameter that must be a topic ARN; InvalidParameter naming it otherwise. */
export function topicArnParam(params: Params, name: string): string {
  const value = requiredString(params, name);
  if (!isTopicArn(value)) throw notAnArn(name, value);
  return value;
}

function isTopicArn(value: string): boolean {
  const arn = parseArn(value);
  return arn?.service === 'sns' && isTopicName(arn.resource);
}

/**
 * AWS's refusal of a malformed ARN parameter: "Invalid parameter: TopicArn Reason: An ARN
 * must have at least 6 elements, not 1" when it has too few parts, "Invalid parameter:
 * TopicArn" otherwise (as recorded from AWS in LocalStack's SNS snapshots).
 */
function notAnArn(name: string, value: string): AwsError {
  const elements = value.split(':').length;
  return invalidParameter(elements < 6 ? `${name} Reason: An ARN must have at least 6 elements, not ${elements}` : name);
}

/**
 * Reads a required subscription ARN (`topicArn:id`) and returns it with its topic's ARN.
 * InvalidParameter as AWS words it: too few parts, or a topic ARN without the
 * subscription id ("Invalid parameter: SubscriptionId").
 */
export function subscriptionArnParam(params: Params): { arn: string; topicArn: string } {
  const arn = requiredString(params, 'SubscriptionArn');
  const topicArn = arn.slice(0, arn.lastIndexOf(':'));
  if (arn.split(':').length === 6 && isTopicArn(arn)) throw invalidParameter('SubscriptionId');
  if (!isTopicArn(topicArn) || !/:[0-9a-f-]{36}$/.test(arn)) throw notAnArn('SubscriptionArn', arn);
  return { arn, topicArn };
}

/** True for an SQS queue ARN, the endpoint of an `sqs` subscription. */
export function isQueueArn(value: string): boolean {
  const arn = parseArn(value);
  return arn?.service === 'sqs' && queueNamePattern.test(arn.resource);
}
