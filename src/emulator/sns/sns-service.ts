import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { AwsError } from '../aws-error.js';
import type { RequestContext } from '../http.js';
import type { Operation } from '../json-protocol.js';
import { batchEntries, batchError, optionalList, optionalMap, optionalString, requiredString, type Params } from '../params.js';
import type { SqsService } from '../sqs/sqs-service.js';
import { isQueueArn, isTopicName, parseArn, subscriptionArnParam, topicArnParam } from './arns.js';
import { passesFilterPolicy } from './filter-policy.js';
import { deliverNotification } from './delivery.js';
import { notificationFor, type NotificationContext } from './notification.js';
import { pageAfter } from './pagination.js';
import { maxMessageBytes, readPublication, type Publication } from './publication.js';
import { asSnsError, invalidParameter, notFound } from './sns-errors.js';
import { applySubscriptionAttributes, describeSubscription, listedSubscription, type Subscription } from './subscription.js';
import { SigningKey } from './signing.js';
import { Topic, type PublishReceipt } from './topic.js';
import { applyTopicAttributes } from './topic-attributes.js';
import type { Quotas } from '../quotas/quotas.js';
import { takeTopicQuota } from './topic-quotas.js';

export interface SnsOptions {
  clock: Clock;
  sqs: SqsService;
  /** AWS's throughput quotas to enforce (`--aws-quotas`); none checked without. */
  quotas?: Quotas;
}

/**
 * Booksim's SNS: every account's topics (by ARN, which names the account) and their SQS subscriptions, with every
 * operation of the query protocol that booksim uses. Publishing delivers synchronously,
 * in publish order, to each subscribed queue. Operations take the decoded form and return
 * the result shape (Maps for the model's maps), or throw {@link AwsError}.
 */
export class SnsService {
  readonly operations: Record<string, Operation>;
  /** Signs standard topics' notifications; its certificate is served at signingCertificatePath. */
  readonly signingKey: SigningKey;
  private readonly topics = new Map<string, Topic>();
  private nextSerial = 1;

  constructor(private readonly options: SnsOptions) {
    this.signingKey = new SigningKey(options.clock);
    this.operations = {
      CreateTopic: (p, c) => this.createTopic(p, c),
      // Deleting a topic that does not exist succeeds, as on AWS; its subscriptions go with it.
      DeleteTopic: (p) => {
        this.topics.delete(topicArnParam(p, 'TopicArn'));
      },
      ListTopics: (p, c) => {
        const { page, nextToken } = pageAfter(this.topicsOf(c), optionalString(p, 'NextToken'));
        return { Topics: page.map((topic) => ({ TopicArn: topic.arn })), NextToken: nextToken };
      },
      GetTopicAttributes: (p) => ({ Attributes: new Map(Object.entries(this.topicOf(p).describe())) }),
      SetTopicAttributes: (p) => {
        const topic = this.topicOf(p);
        const change = { [requiredString(p, 'AttributeName')]: optionalString(p, 'AttributeValue') ?? '' };
        topic.settings = applyTopicAttributes(topic.settings.stored, change, topic.fifo);
      },
      Subscribe: (p, c) => this.subscribe(p, c),
      // Unsubscribing from a subscription that does not exist succeeds, as on AWS (moto issue 3000; LocalStack's AWS-recorded snapshot).
      Unsubscribe: (p) => {
        const { arn, topicArn } = subscriptionArnParam(p);
        const topic = this.topics.get(topicArn);
        if (topic?.subscriptions.delete(arn)) topic.subscriptionsDeleted += 1;
      },
      // The requester's subscriptions (API reference): those it made, on its own topics or another account's.
      ListSubscriptions: (p, c) =>
        this.listSubscriptions(p, this.topicsIn(c.region).flatMap((topic) => [...topic.subscriptions.values()].filter((s) => s.owner === c.accountId))),
      ListSubscriptionsByTopic: (p) => this.listSubscriptions(p, [...this.topicOf(p).subscriptions.values()]),
      GetSubscriptionAttributes: (p) => ({ Attributes: new Map(Object.entries(describeSubscription(this.subscriptionOf(p)))) }),
      SetSubscriptionAttributes: (p) => {
        const subscription = this.subscriptionOf(p);
        const change = { [requiredString(p, 'AttributeName')]: optionalString(p, 'AttributeValue') ?? '' };
        subscription.settings = applySubscriptionAttributes(subscription.settings.stored, change, subscription, 'SetSubscriptionAttributes');
      },
      Publish: (p, c) => this.publish(p, c),
      PublishBatch: (p, c) => this.publishBatch(p, c),
      // Both answer an empty result element, which the model's output shape asks for (botocore fails without it).
      TagResource: (p) => {
        Object.assign(this.taggedTopic(p).tags, readTags(p));
        return {};
      },
      UntagResource: (p) => {
        const topic = this.taggedTopic(p);
        for (const key of listParam(p, 'TagKeys')) delete topic.tags[String(key)];
        return {};
      },
      ListTagsForResource: (p) => ({ Tags: Object.entries(this.taggedTopic(p).tags).map(([Key, Value]) => ({ Key, Value })) }),
    };
  }

  private createTopic(params: Params, context: RequestContext) {
    const name = requiredString(params, 'Name');
    if (!isTopicName(name)) throw invalidParameter('Topic Name');
    const fifo = name.endsWith('.fifo');
    const given = optionalMap(params, 'Attributes') ?? {};
    // FifoTopic must agree with the name: a missing one means a standard topic.
    const settings = applyTopicAttributes(undefined, { FifoTopic: 'false', ...given }, fifo);
    const tags = readTags(params);
    const arn = `arn:aws:sns:${context.region}:${context.accountId}:${name}`;
    const existing = this.topics.get(arn);
    if (existing) {
      if (Object.keys(given).some((key) => existing.settings.stored[key] !== settings.stored[key])) {
        throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
      }
      if (Object.entries(tags).some(([key, value]) => existing.tags[key] !== value)) {
        throw invalidParameter('Tags Reason: Topic already exists with different tags');
      }
      return { TopicArn: arn };
    }
    const topic = new Topic(arn, context.accountId, this.nextSerial++, settings, this.options.clock);
    topic.tags = tags;
    this.topics.set(arn, topic);
    return { TopicArn: arn };
  }

  private subscribe(params: Params, context: RequestContext) {
    const topic = this.topicOf(params);
    const protocol = requiredString(params, 'Protocol');
    if (!awsProtocols.has(protocol)) throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
    if (protocol !== 'sqs') {
      throw invalidParameter(`Protocol Reason: booksim local delivers only to SQS queues (protocol sqs), not to ${protocol}.`);
    }
    const endpoint = requiredString(params, 'Endpoint');
    if (!isQueueArn(endpoint)) throw invalidParameter('SQS endpoint ARN');
    if (!topic.fifo && endpoint.endsWith('.fifo')) {
      // AWS repeats the prefix in this one.
      throw invalidParameter('Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
    }
    const given = optionalMap(params, 'Attributes') ?? {};
    const settings = applySubscriptionAttributes(undefined, given, { topicArn: topic.arn, endpoint }, 'Subscribe');
    // ReturnSubscriptionArn changes nothing here: an SQS subscription is confirmed at once, so its ARN is always returned.
    const existing = [...topic.subscriptions.values()].find((subscription) => subscription.endpoint === endpoint);
    if (existing) {
      if (Object.keys(given).some((key) => existing.settings.stored[key] !== settings.stored[key])) {
        throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
      }
      return { SubscriptionArn: existing.arn };
    }
    const subscription: Subscription = {
      arn: `${topic.arn}:${randomUUID()}`,
      topicArn: topic.arn,
      endpoint,
      owner: context.accountId,
      serial: this.nextSerial++,
      settings,
    };
    topic.subscriptions.set(subscription.arn, subscription);
    return { SubscriptionArn: subscription.arn };
  }

  private listSubscriptions(params: Params, subscriptions: Subscription[]) {
    const { page, nextToken } = pageAfter(subscriptions.sort((a, b) => a.serial - b.serial), optionalString(params, 'NextToken'));
    return { Subscriptions: page.map(listedSubscription), NextToken: nextToken };
  }

  private publish(params: Params, context: RequestContext) {
    if (params.PhoneNumber !== undefined) {
      throw invalidParameter('PhoneNumber Reason: booksim local delivers only to SQS queues subscribed to a topic.');
    }
    if (params.TopicArn === undefined && params.TargetArn === undefined) {
      throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
    }
    const topic = this.topicOf(params, params.TopicArn !== undefined ? 'TopicArn' : 'TargetArn');
    const publication = readPublication(params, topic.settings);
    this.takeQuota(topic, [publication]);
    const receipt = this.publishTo(topic, publication, context);
    return { MessageId: receipt.messageId, SequenceNumber: receipt.sequenceNumber };
  }

  /**
   * Reads every entry first, so that a batch too long as a whole is refused before any of
   * it is delivered; then publishes the valid entries in order and reports the others.
   */
  private publishBatch(params: Params, context: RequestContext) {
    const topic = this.topicOf(params);
    const name = 'PublishBatchRequestEntries';
    const entries = batchEntries({ [name]: listParam(params, name) }, name);
    const read = entries.map((entry): { entry: Params; publication: Publication } | { entry: Params; error: AwsError } => {
      try {
        return { entry, publication: readPublication(entry, topic.settings) };
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        return { entry, error: asSnsError(error) };
      }
    });
    const total = read.reduce((sum, item) => sum + ('publication' in item ? item.publication.bytes : 0), 0);
    if (total > maxMessageBytes) {
      throw batchError('BatchRequestTooLong', `The length of all the messages put together is more than the limit of ${maxMessageBytes} bytes.`, '');
    }
    this.takeQuota(topic, read.flatMap((item) => ('publication' in item ? [item.publication] : [])));
    const Successful: object[] = [];
    const Failed: object[] = [];
    for (const item of read) {
      if ('publication' in item) {
        const receipt = this.publishTo(topic, item.publication, context);
        Successful.push({ Id: item.entry.Id, MessageId: receipt.messageId, SequenceNumber: receipt.sequenceNumber });
      } else {
        Failed.push({ Id: item.entry.Id, Code: item.error.code, Message: item.error.message, SenderFault: item.error.senderFault });
      }
    }
    return { Successful, Failed };
  }

  /**
   * Accepts a message on a topic and delivers it to every subscribed queue whose filter it
   * passes (a queue that cannot take it: see {@link deliverNotification}). A FIFO duplicate
   * is not delivered again.
   */
  private publishTo(topic: Topic, publication: Publication, context: RequestContext): PublishReceipt {
    const { receipt, duplicate } = topic.admit(publication.groupId, publication.dedupId);
    if (duplicate) return receipt;
    const notification: NotificationContext = {
      now: this.options.clock.now(),
      origin: context.origin,
      ...(topic.fifo ? {} : { signing: { key: this.signingKey, signatureVersion: topic.settings.stored.SignatureVersion ?? '1' } }),
    };
    for (const subscription of topic.subscriptions.values()) {
      const filter = subscription.settings.filter;
      if (filter && !passesFilterPolicy(filter.policy, filter.scope, publication.message, publication.attributes)) continue;
      deliverNotification(this.options.sqs, subscription, notificationFor(publication, receipt, subscription, notification));
    }
    return receipt;
  }

  /** Counts the messages of one call against the topic's quotas (`--aws-quotas`), or throws Throttling. */
  private takeQuota(topic: Topic, publications: Publication[]): void {
    if (!this.options.quotas) return;
    takeTopicQuota(this.options.quotas, topic, publications.flatMap((publication) => publication.groupId ?? []));
  }

  private topicOf(params: Params, name = 'TopicArn'): Topic {
    const topic = this.topics.get(topicArnParam(params, name));
    if (!topic) throw notFound('Topic does not exist');
    return topic;
  }

  /** The topic a tagging request names; tagging answers ResourceNotFound, not NotFound. */
  private taggedTopic(params: Params): Topic {
    const topic = this.topics.get(topicArnParam(params, 'ResourceArn'));
    if (!topic) throw new AwsError('ResourceNotFound', 'Resource does not exist', 404);
    return topic;
  }

  private subscriptionOf(params: Params): Subscription {
    const { arn, topicArn } = subscriptionArnParam(params);
    const subscription = this.topics.get(topicArn)?.subscriptions.get(arn);
    if (!subscription) throw notFound('Subscription does not exist');
    return subscription;
  }

  /** The topics of one region, every account's, in creation order: AWS lists a region's topics only. */
  private topicsIn(region: string): Topic[] {
    return [...this.topics.values()].filter((topic) => parseArn(topic.arn)?.region === region);
  }

  /** The requester's topics in its region ("ListTopics", Amazon SNS API Reference). */
  private topicsOf(context: RequestContext): Topic[] {
    return this.topicsIn(context.region).filter((topic) => topic.owner === context.accountId);
  }
}

/** The protocols SNS knows (Subscribe, Amazon SNS API Reference); booksim delivers to `sqs` only. */
const awsProtocols = new Set(['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);

/** A list parameter; the query protocol sends an empty list as `Name=` with no members. */
function listParam(params: Params, name: string): unknown[] {
  return params[name] === '' ? [] : (optionalList(params, name) ?? []);
}

/** Reads a Tags list of {Key, Value} into a map, checking keys and values as AWS does. */
function readTags(params: Params): Record<string, string> {
  const tags: Record<string, string> = {};
  const tagList = listParam(params, 'Tags');
  if (new Set(tagList.map((tag) => (tag as Params | undefined)?.Key)).size < tagList.length) throw invalidParameter('Duplicated keys are not allowed.');
  for (const tag of tagList) {
    const { Key, Value } = (tag ?? {}) as Params;
    if (typeof Key !== 'string' || Key.length < 1 || Key.length > 128) throw invalidParameter('Tags Reason: a tag key must be 1 to 128 characters long.');
    if (typeof Value !== 'string' || Value.length > 256) throw invalidParameter('Tags Reason: a tag value must be at most 256 characters long.');
    tags[Key] = Value;
  }
  return tags;
}
