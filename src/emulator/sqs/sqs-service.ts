import type { Clock } from '../../clock.js';
import type { Random } from '../../random.js';
import { AwsError, invalidParameterValue, missingParameter } from '../aws-error.js';
import type { RequestContext } from '../http.js';
import { md5OfMessageAttributes } from '../message-attributes.js';
import {
  batchEntries,
  batchError,
  optionalInteger,
  optionalList,
  optionalMap,
  optionalString,
  requiredString,
  type Params,
} from '../params.js';
import { pageOf } from './paging.js';
import { addressOfArn, addressOfUrl, queueKey, type QueueAddress } from './queue-address.js';
import { applyQueueAttributes, asksForFifo, checkQueueName, maxMessageBytes, queueAttributeNames } from './queue-attributes.js';
import { withPermission, withoutPermission } from './queue-permissions.js';
import { Queue, type OutgoingMessage, type ReceivedMessage } from './queue.js';
import { describeReceived } from './received-message.js';
import { messageSize, outgoingMessage } from './outgoing-message.js';
import type { Quotas } from '../quotas/quotas.js';
import { quotaCountedOperations, takeQueueQuota } from './queue-quotas.js';

export interface SqsOptions {
  clock: Clock;
  random: Random;
  /** Probability that a standard queue duplicates a send, delivers a message late, or shuffles a receive (0 = never). */
  standardQueueChaos: number;
  /** AWS's throughput quotas to enforce (`--aws-quotas`); none checked without. */
  quotas?: Quotas;
}

/** SQS's legacy query codes of batch errors carry this prefix. */
const queryPrefix = 'AWS.SimpleQueueService.';


type Operation = (params: Params, context: RequestContext) => Promise<unknown> | unknown;

/**
 * Booksim's SQS: every account's queues, and every operation of the JSON protocol that
 * booksim uses. Operations take the decoded request and return the response shape, or
 * throw {@link AwsError}. A queue URL or ARN reaches its queue whatever the caller's
 * account: AWS allows that when the queue's policy does, and booksim enforces no policy.
 */
export class SqsService {
  /** By {@link queueKey}: account and name. */
  private readonly queues = new Map<string, Queue>();
  readonly operations: Record<string, Operation>;

  constructor(private readonly options: SqsOptions) {
    this.operations = {
      CreateQueue: (p, c) => this.createQueue(p, c),
      GetQueueUrl: (p, c) => {
        const account = optionalString(p, 'QueueOwnerAWSAccountId') ?? c.accountId;
        return { QueueUrl: this.urlOf(this.queueAt({ account, name: requiredString(p, 'QueueName') }), c) };
      },
      GetQueueAttributes: (p, c) => this.getQueueAttributes(p, c),
      SetQueueAttributes: (p, c) => this.setQueueAttributes(p, c),
      ListQueues: (p, c) => this.listQueues(p, c),
      DeleteQueue: (p, c) => this.deleteQueue(p, c),
      PurgeQueue: (p, c) => (this.queueOf(p, c).purge(), {}),
      SendMessage: (p, c) => this.sendMessage(this.queueOf(p, c), p),
      SendMessageBatch: (p, c) => this.sendMessageBatch(p, c),
      ReceiveMessage: (p, c) => this.receiveMessage(p, c),
      DeleteMessage: (p, c) => (this.queueOf(p, c).delete(requiredString(p, 'ReceiptHandle')), {}),
      DeleteMessageBatch: (p, c) => this.batch(p, c, (queue, entry) => queue.delete(requiredString(entry, 'ReceiptHandle'))),
      ChangeMessageVisibility: (p, c) => (this.changeVisibility(this.queueOf(p, c), p), {}),
      ChangeMessageVisibilityBatch: (p, c) => this.batch(p, c, (queue, entry) => this.changeVisibility(queue, entry)),
      TagQueue: (p, c) => (Object.assign(this.queueOf(p, c).tags, stringMap(optionalMap(p, 'Tags'))), {}),
      UntagQueue: (p, c) => {
        const queue = this.queueOf(p, c);
        for (const key of optionalList(p, 'TagKeys') ?? []) delete queue.tags[String(key)];
        return {};
      },
      // A queue without tags answers no Tags member, as AWS does.
      ListQueueTags: (p, c) => {
        const { tags } = this.queueOf(p, c);
        return Object.keys(tags).length > 0 ? { Tags: tags } : {};
      },
      ListDeadLetterSourceQueues: (p, c) => this.listDeadLetterSourceQueues(p, c),
      AddPermission: (p, c) => {
        const queue = this.queueOf(p, c);
        const permission = { label: requiredString(p, 'Label'), accountIds: stringList(p, 'AWSAccountIds'), actions: stringList(p, 'Actions') };
        return this.setPolicy(queue, withPermission(queue.settings.stored.Policy, queue.arn, permission, new Set(Object.keys(this.operations))));
      },
      RemovePermission: (p, c) => {
        const queue = this.queueOf(p, c);
        return this.setPolicy(queue, withoutPermission(queue.settings.stored.Policy, queue.arn, requiredString(p, 'Label')));
      },
    };
    if (options.quotas) this.enforceQuotas(options.quotas);
  }

  /** Puts each operation a FIFO queue's quota counts behind that quota; without --aws-quotas no quota code runs. */
  private enforceQuotas(quotas: Quotas): void {
    for (const name of quotaCountedOperations) {
      const operation = this.operations[name]!;
      this.operations[name] = (p, c) => {
        takeQueueQuota(quotas, this.queueOf(p, c), name, p);
        return operation(p, c);
      };
    }
  }

  /** Delivers a message from another service (SNS) to the queue with this ARN. */
  deliver(queueArn: string, message: OutgoingMessage): void {
    const queue = this.queueByArn(queueArn);
    if (!queue) throw new AwsError('QueueDoesNotExist', `The queue ${queueArn} does not exist.`, 400, 'AWS.SimpleQueueService.NonExistentQueue');
    queue.send(message);
  }

  /** The queue with this ARN, if it exists. */
  queueByArn(arn: string): Queue | undefined {
    const address = addressOfArn(arn);
    const queue = address && this.queues.get(queueKey(address));
    return queue?.arn === arn ? queue : undefined;
  }

  /** Ends every long poll; used when the endpoint stops. */
  close(): void {
    for (const queue of this.queues.values()) queue.close();
  }

  private createQueue(params: Params, context: RequestContext) {
    const name = requiredString(params, 'QueueName');
    const attributes = optionalMap(params, 'Attributes') ?? {};
    // The type comes from the FifoQueue attribute alone; a name ending in .fifo does not make a queue FIFO.
    const fifo = asksForFifo(attributes);
    checkQueueName(name, fifo);
    const settings = applyQueueAttributes(undefined, attributes, fifo);
    this.checkRedriveTarget(settings.redrivePolicy?.deadLetterTargetArn, fifo);
    const address = { account: context.accountId, name };
    const existing = this.queues.get(queueKey(address));
    if (existing) {
      // Idempotent when every attribute given has the queue's value (a default counts as given); as LocalStack's AWS-validated tests record.
      const differing = Object.keys(attributes).find((key) => settings.stored[key] !== existing.settings.stored[key]);
      if (differing !== undefined) {
        throw new AwsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${differing}`, 400, 'QueueAlreadyExists');
      }
      return { QueueUrl: this.urlOf(existing, context) };
    }
    const arn = `arn:aws:sqs:${context.region}:${context.accountId}:${name}`;
    const queue = new Queue(name, arn, settings, this.options.clock, this.options.random, this.options.standardQueueChaos);
    queue.tags = stringMap(optionalMap(params, 'tags') ?? optionalMap(params, 'Tags'));
    this.queues.set(queueKey(address), queue);
    return { QueueUrl: this.urlOf(queue, context) };
  }

  private checkRedriveTarget(arn: string | undefined, fifo: boolean): void {
    if (arn === undefined) return;
    const target = this.queueByArn(arn);
    if (!target) throw invalidParameterValue(`Value ${arn} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`);
    if (target.fifo !== fifo) {
      throw invalidParameterValue('Value for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be of the same type (FIFO or standard) as the source queue.');
    }
  }

  private getQueueAttributes(params: Params, context: RequestContext) {
    const queue = this.queueOf(params, context);
    const requested = stringList(params, 'AttributeNames');
    const all = requested.includes('All');
    const counts = queue.counts();
    const available: Record<string, string> = {
      ...queue.settings.stored,
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.lastModifiedAt / 1000)),
    };
    const attributes: Record<string, string> = {};
    for (const name of requested) {
      if (!queueAttributeNames.has(name)) throw new AwsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
    for (const name of all ? Object.keys(available) : requested) {
      if (available[name] !== undefined) attributes[name] = available[name];
    }
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  }

  private setQueueAttributes(params: Params, context: RequestContext) {
    const queue = this.queueOf(params, context);
    const changes = optionalMap(params, 'Attributes') ?? {};
    const settings = applyQueueAttributes(queue.settings.stored, changes, queue.fifo);
    this.checkRedriveTarget(settings.redrivePolicy?.deadLetterTargetArn, queue.fifo);
    queue.settings = settings;
    queue.lastModifiedAt = this.options.clock.now();
    return {};
  }

  /** The caller's own queues: cross-account permissions do not apply to ListQueues (API reference). */
  private listQueues(params: Params, context: RequestContext) {
    const prefix = optionalString(params, 'QueueNamePrefix') ?? '';
    const page = this.pageOfQueues(params, (queue) => this.accountOf(queue) === context.accountId && queue.name.startsWith(prefix));
    return {
      ...(page.queues.length > 0 ? { QueueUrls: page.queues.map((queue) => this.urlOf(queue, context)) } : {}),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  }

  /** The queues whose redrive policy names this queue as their dead-letter queue. */
  private listDeadLetterSourceQueues(params: Params, context: RequestContext) {
    const { arn } = this.queueOf(params, context);
    const page = this.pageOfQueues(params, (queue) => queue.settings.redrivePolicy?.deadLetterTargetArn === arn);
    // queueUrls is a required member of the result: an empty list when no queue redrives here.
    return { queueUrls: page.queues.map((queue) => this.urlOf(queue, context)), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  }

  /** One page of the queues that `include` picks, in order of account and name. */
  private pageOfQueues(params: Params, include: (queue: Queue) => boolean) {
    const keys = [...this.queues].filter(([, queue]) => include(queue)).map(([key]) => key).sort();
    const page = pageOf(keys, optionalInteger(params, 'MaxResults', 1, 1000), optionalString(params, 'NextToken'));
    return { queues: page.names.map((key) => this.queues.get(key)!), nextToken: page.nextToken };
  }

  private setPolicy(queue: Queue, policy: string | undefined) {
    const { Policy: _previous, ...rest } = queue.settings.stored;
    queue.settings = applyQueueAttributes(rest, policy === undefined ? {} : { Policy: policy }, queue.fifo);
    queue.lastModifiedAt = this.options.clock.now();
    return {};
  }

  private deleteQueue(params: Params, context: RequestContext) {
    const queue = this.queueOf(params, context);
    this.queues.delete(queueKey({ account: this.accountOf(queue), name: queue.name }));
    queue.close();
    return {};
  }

  /** Sends one message (a request or a batch entry) and answers as SendMessage does. */
  private sendMessage(queue: Queue, params: Params) {
    const message = outgoingMessage(queue, params);
    const result = queue.send(message);
    const systemAttributes = message.traceHeader === undefined ? undefined : md5OfMessageAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: message.traceHeader } });
    return {
      MessageId: result.messageId,
      MD5OfMessageBody: result.md5OfBody,
      ...(result.md5OfAttributes ? { MD5OfMessageAttributes: result.md5OfAttributes } : {}),
      ...(systemAttributes ? { MD5OfMessageSystemAttributes: systemAttributes } : {}),
      ...(result.sequenceNumber ? { SequenceNumber: result.sequenceNumber } : {}),
    };
  }

  private sendMessageBatch(params: Params, context: RequestContext) {
    this.queueOf(params, context); // a missing queue is reported before a malformed batch
    const entries = batchEntries(params, 'Entries', queryPrefix);
    // The whole batch may carry 1 MiB, whatever the queue's MaximumMessageSize (API reference, SendMessageBatch).
    const total = entries.reduce((sum, entry) => sum + messageSize(entry), 0);
    if (total > maxMessageBytes) {
      throw batchError('BatchRequestTooLong', `Batch requests cannot be longer than ${maxMessageBytes} bytes. You have sent ${total} bytes.`, queryPrefix);
    }
    return this.batch(params, context, (target, entry) => this.sendMessage(target, entry));
  }

  /** Runs `action` for each batch entry; an entry that fails is reported, not thrown. */
  private batch(params: Params, context: RequestContext, action: (queue: Queue, entry: Params) => object | void) {
    const queue = this.queueOf(params, context);
    const entries = batchEntries(params, 'Entries', queryPrefix);
    const Successful: object[] = [];
    const Failed: object[] = [];
    for (const entry of entries) {
      try {
        Successful.push({ Id: entry.Id, ...(action(queue, entry) ?? {}) });
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        Failed.push({ Id: entry.Id, SenderFault: error.senderFault, Code: error.code, Message: error.message });
      }
    }
    return { Successful, Failed };
  }

  private async receiveMessage(params: Params, context: RequestContext) {
    const queue = this.queueOf(params, context);
    const max = optionalInteger(params, 'MaxNumberOfMessages', 1, 10) ?? 1;
    const visibility = optionalInteger(params, 'VisibilityTimeout', 0, 43_200) ?? queue.settings.visibilityTimeoutSeconds;
    const waitSeconds = optionalInteger(params, 'WaitTimeSeconds', 0, 20) ?? queue.settings.receiveWaitSeconds;
    const deadline = this.options.clock.now() + waitSeconds * 1000;
    const lookup = (arn: string) => this.queueByArn(arn);
    let received: ReceivedMessage[] = queue.receive(max, visibility, lookup);
    while (received.length === 0 && this.options.clock.now() < deadline && !queue.isClosed) {
      await queue.waitForChange(deadline, context.clientGone);
      if (context.clientGone?.aborted) return {};
      received = queue.receive(max, visibility, lookup);
    }
    if (received.length === 0) return {};
    const systemNames = new Set([...stringList(params, 'MessageSystemAttributeNames'), ...stringList(params, 'AttributeNames')]);
    const attributeNames = stringList(params, 'MessageAttributeNames');
    return { Messages: received.map((r) => describeReceived(r, { systemNames, attributeNames })) };
  }

  private changeVisibility(queue: Queue, params: Params): void {
    const receiptHandle = requiredString(params, 'ReceiptHandle');
    const timeout = optionalInteger(params, 'VisibilityTimeout', 0, 43_200);
    if (timeout === undefined) throw missingParameter('VisibilityTimeout');
    queue.changeVisibility(receiptHandle, timeout);
  }

  /** The queue a request's QueueUrl names (see {@link addressOfUrl}). */
  private queueOf(params: Params, context: RequestContext): Queue {
    return this.queueAt(addressOfUrl(requiredString(params, 'QueueUrl'), context.accountId));
  }

  private queueAt(address: QueueAddress): Queue {
    const queue = this.queues.get(queueKey(address));
    if (!queue) throw new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', 400, 'AWS.SimpleQueueService.NonExistentQueue');
    return queue;
  }

  /** The queue's URL on the origin the caller used; the path names the queue's own account. */
  private urlOf(queue: Queue, context: RequestContext): string {
    return `${context.origin}/${this.accountOf(queue)}/${queue.name}`;
  }

  private accountOf(queue: Queue): string {
    return addressOfArn(queue.arn)!.account;
  }
}

function stringList(params: Params, name: string): string[] {
  return (optionalList(params, name) ?? []).map(String);
}

function stringMap(map: Params | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([key, value]) => [key, String(value)]));
}
