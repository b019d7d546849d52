import type { Clock } from '../../clock.js';
import type { Random } from '../../random.js';
import { AwsError, invalidParameterValue, missingParameter } from '../aws-error.js';
import type { RequestContext } from '../http.js';
import { attributesSize, validateMessageAttributes, type MessageAttributes } from '../message-attributes.js';
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
import { applyQueueAttributes, queueAttributeNames } from './queue-attributes.js';
import { Queue, type OutgoingMessage, type ReceivedMessage } from './queue.js';

export interface SqsOptions {
  clock: Clock;
  random: Random;
  /** Probability that a standard queue duplicates a send, delivers a message late, or shuffles a receive (0 = never). */
  standardQueueChaos: number;
}

/** SQS's legacy query codes of batch errors carry this prefix. */
const queryPrefix = 'AWS.SimpleQueueService.';

const queueNamePattern = /^[A-Za-z0-9_-]{1,80}$/;
const bodyCharacters = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const systemAttributeNames = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'DeadLetterQueueSourceArn',
];

type Operation = (params: Params, context: RequestContext) => Promise<unknown> | unknown;

/**
 * Booksim's SQS: the queues of one account, and every operation of the JSON protocol that
 * booksim uses. Operations take the decoded request and return the response shape, or
 * throw {@link AwsError}.
 */
export class SqsService {
  private readonly queues = new Map<string, Queue>();
  readonly operations: Record<string, Operation>;

  constructor(private readonly options: SqsOptions) {
    this.operations = {
      CreateQueue: (p, c) => this.createQueue(p, c),
      GetQueueUrl: (p, c) => ({ QueueUrl: this.urlOf(this.queueNamed(requiredString(p, 'QueueName')), c) }),
      GetQueueAttributes: (p) => this.getQueueAttributes(p),
      SetQueueAttributes: (p) => this.setQueueAttributes(p),
      ListQueues: (p, c) => this.listQueues(p, c),
      DeleteQueue: (p) => this.deleteQueue(p),
      PurgeQueue: (p) => (this.queueOf(p).purge(), {}),
      SendMessage: (p) => this.sendMessage(this.queueOf(p), p),
      SendMessageBatch: (p) => this.sendMessageBatch(p),
      ReceiveMessage: (p, c) => this.receiveMessage(p, c),
      DeleteMessage: (p) => (this.queueOf(p).delete(requiredString(p, 'ReceiptHandle')), {}),
      DeleteMessageBatch: (p) => this.batch(p, (queue, entry) => queue.delete(requiredString(entry, 'ReceiptHandle'))),
      ChangeMessageVisibility: (p) => (this.changeVisibility(this.queueOf(p), p), {}),
      ChangeMessageVisibilityBatch: (p) => this.batch(p, (queue, entry) => this.changeVisibility(queue, entry)),
      TagQueue: (p) => (Object.assign(this.queueOf(p).tags, stringMap(optionalMap(p, 'Tags'))), {}),
      UntagQueue: (p) => {
        const queue = this.queueOf(p);
        for (const key of optionalList(p, 'TagKeys') ?? []) delete queue.tags[String(key)];
        return {};
      },
      ListQueueTags: (p) => ({ Tags: this.queueOf(p).tags }),
    };
  }

  /** Delivers a message from another service (SNS) to the queue with this ARN. */
  deliver(queueArn: string, message: OutgoingMessage): void {
    const queue = this.queueByArn(queueArn);
    if (!queue) throw new AwsError('QueueDoesNotExist', `The queue ${queueArn} does not exist.`, 400, 'AWS.SimpleQueueService.NonExistentQueue');
    queue.send(message);
  }

  /** The queue with this ARN, if it exists. */
  queueByArn(arn: string): Queue | undefined {
    const queue = this.queues.get(arn.split(':').pop() ?? '');
    return queue?.arn === arn ? queue : undefined;
  }

  /** Ends every long poll; used when the endpoint stops. */
  close(): void {
    for (const queue of this.queues.values()) queue.close();
  }

  private createQueue(params: Params, context: RequestContext) {
    const name = requiredString(params, 'QueueName');
    const attributes = optionalMap(params, 'Attributes') ?? {};
    const fifo = name.endsWith('.fifo');
    if (!queueNamePattern.test(fifo ? name.slice(0, -5) : name)) {
      throw invalidParameterValue(
        `Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length${fifo ? ', and a FIFO queue name must end in .fifo' : ''}.`,
      );
    }
    if (attributes.FifoQueue === 'true' && !fifo) {
      throw invalidParameterValue('The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix.');
    }
    const settings = applyQueueAttributes(undefined, attributes, fifo);
    this.checkRedriveTarget(settings.redrivePolicy?.deadLetterTargetArn, fifo);
    const existing = this.queues.get(name);
    if (existing) {
      const differs = Object.entries(settings.stored).some(([key, value]) => existing.settings.stored[key] !== value);
      if (differs) {
        throw new AwsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute(s).`, 400, 'QueueAlreadyExists');
      }
      return { QueueUrl: this.urlOf(existing, context) };
    }
    const arn = `arn:aws:sqs:${context.region}:${context.accountId}:${name}`;
    const queue = new Queue(name, arn, settings, this.options.clock, this.options.random, this.options.standardQueueChaos);
    queue.tags = stringMap(optionalMap(params, 'tags') ?? optionalMap(params, 'Tags'));
    this.queues.set(name, queue);
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

  private getQueueAttributes(params: Params) {
    const queue = this.queueOf(params);
    const requested = (optionalList(params, 'AttributeNames') ?? []).map(String);
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

  private setQueueAttributes(params: Params) {
    const queue = this.queueOf(params);
    const changes = optionalMap(params, 'Attributes') ?? {};
    const settings = applyQueueAttributes(queue.settings.stored, changes, queue.fifo);
    this.checkRedriveTarget(settings.redrivePolicy?.deadLetterTargetArn, queue.fifo);
    queue.settings = settings;
    queue.lastModifiedAt = this.options.clock.now();
    return {};
  }

  private listQueues(params: Params, context: RequestContext) {
    const prefix = optionalString(params, 'QueueNamePrefix') ?? '';
    const maxResults = optionalInteger(params, 'MaxResults', 1, 1000);
    const after = optionalString(params, 'NextToken');
    const names = [...this.queues.keys()].filter((name) => name.startsWith(prefix)).sort();
    const start = after ? names.findIndex((name) => name > Buffer.from(after, 'base64url').toString()) : 0;
    const page = start < 0 ? [] : names.slice(start, maxResults ? start + maxResults : undefined);
    const more = maxResults !== undefined && start >= 0 && start + maxResults < names.length;
    return {
      ...(page.length > 0 ? { QueueUrls: page.map((name) => this.urlOf(this.queues.get(name)!, context)) } : {}),
      ...(more ? { NextToken: Buffer.from(page.at(-1)!).toString('base64url') } : {}),
    };
  }

  private deleteQueue(params: Params) {
    const queue = this.queueOf(params);
    this.queues.delete(queue.name);
    queue.close();
    return {};
  }

  /** Sends one message (a request or a batch entry) and answers as SendMessage does. */
  private sendMessage(queue: Queue, params: Params) {
    const result = queue.send(this.outgoing(queue, params));
    return {
      MessageId: result.messageId,
      MD5OfMessageBody: result.md5OfBody,
      ...(result.md5OfAttributes ? { MD5OfMessageAttributes: result.md5OfAttributes } : {}),
      ...(result.sequenceNumber ? { SequenceNumber: result.sequenceNumber } : {}),
    };
  }

  private sendMessageBatch(params: Params) {
    const queue = this.queueOf(params);
    const entries = batchEntries(params, 'Entries', queryPrefix);
    const total = entries.reduce((sum, entry) => sum + messageSize(entry), 0);
    if (total > queue.settings.maximumMessageSize) {
      throw batchError('BatchRequestTooLong', `Batch requests cannot be longer than ${queue.settings.maximumMessageSize} bytes. You have sent ${total} bytes.`, queryPrefix);
    }
    return this.batch(params, (target, entry) => this.sendMessage(target, entry));
  }

  /** Runs `action` for each batch entry; an entry that fails is reported, not thrown. */
  private batch(params: Params, action: (queue: Queue, entry: Params) => object | void) {
    const queue = this.queueOf(params);
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

  /** Validates a send request against the queue's type and limits. */
  private outgoing(queue: Queue, params: Params): OutgoingMessage {
    const body = optionalString(params, 'MessageBody');
    if (body === undefined || body === '') throw missingParameter('MessageBody');
    if (bodyCharacters.test(body)) {
      throw new AwsError('InvalidMessageContents', 'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');
    }
    const attributes: MessageAttributes = validateMessageAttributes(params.MessageAttributes);
    const size = Buffer.byteLength(body) + attributesSize(attributes);
    if (size > queue.settings.maximumMessageSize) {
      throw invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${queue.settings.maximumMessageSize} bytes.`);
    }
    const delaySeconds = optionalInteger(params, 'DelaySeconds', 0, 900);
    const groupId = optionalString(params, 'MessageGroupId');
    const dedupId = optionalString(params, 'MessageDeduplicationId');
    if (queue.fifo) {
      if (!groupId) throw missingParameter('MessageGroupId');
      if (delaySeconds !== undefined && delaySeconds !== 0) {
        throw invalidParameterValue(`Value ${delaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`);
      }
      if (!dedupId && !queue.settings.contentBasedDeduplication) {
        throw invalidParameterValue('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
    } else if (dedupId !== undefined) {
      throw invalidParameterValue('Value for parameter MessageDeduplicationId is invalid. Reason: The request includes a parameter that is not valid for this queue type.');
    }
    for (const [name, value] of [['MessageGroupId', groupId], ['MessageDeduplicationId', dedupId]] as const) {
      if (value !== undefined && !/^[\x21-\x7e]{1,128}$/.test(value)) {
        throw invalidParameterValue(`Value ${value} for parameter ${name} is invalid. Reason: it must be 1 to 128 printable ASCII characters.`);
      }
    }
    return {
      body,
      attributes,
      ...(groupId !== undefined ? { groupId } : {}),
      ...(dedupId !== undefined ? { dedupId } : {}),
      ...(delaySeconds !== undefined ? { delaySeconds } : {}),
    };
  }

  private async receiveMessage(params: Params, context?: RequestContext) {
    const queue = this.queueOf(params);
    const max = optionalInteger(params, 'MaxNumberOfMessages', 1, 10) ?? 1;
    const visibility = optionalInteger(params, 'VisibilityTimeout', 0, 43_200) ?? queue.settings.visibilityTimeoutSeconds;
    const waitSeconds = optionalInteger(params, 'WaitTimeSeconds', 0, 20) ?? queue.settings.receiveWaitSeconds;
    const deadline = this.options.clock.now() + waitSeconds * 1000;
    const lookup = (arn: string) => this.queueByArn(arn);
    let received: ReceivedMessage[] = queue.receive(max, visibility, lookup);
    while (received.length === 0 && this.options.clock.now() < deadline && !queue.isClosed) {
      await queue.waitForChange(deadline, context?.clientGone);
      if (context?.clientGone?.aborted) return {};
      received = queue.receive(max, visibility, lookup);
    }
    if (received.length === 0) return {};
    const systemNames = new Set([...(optionalList(params, 'MessageSystemAttributeNames') ?? []), ...(optionalList(params, 'AttributeNames') ?? [])].map(String));
    const attributeNames = (optionalList(params, 'MessageAttributeNames') ?? []).map(String);
    return { Messages: received.map((r) => this.describeReceived(r, systemNames, attributeNames)) };
  }

  private describeReceived({ message, receiptHandle }: ReceivedMessage, systemNames: Set<string>, attributeNames: string[]) {
    const system: Record<string, string | undefined> = {
      SenderId: 'AIDAIT2UOQQY3AUEKVGXU',
      SentTimestamp: String(message.sentAt),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
      SequenceNumber: message.sequenceNumber,
      MessageDeduplicationId: message.dedupId,
      MessageGroupId: message.groupId,
      DeadLetterQueueSourceArn: message.deadLetterSourceArn,
    };
    const wanted = systemNames.has('All') ? systemAttributeNames : systemAttributeNames.filter((name) => systemNames.has(name));
    const Attributes = Object.fromEntries(wanted.filter((name) => system[name] !== undefined).map((name) => [name, system[name]!]));
    const selected = Object.entries(message.attributes).filter(([name]) => attributeSelected(name, attributeNames));
    return {
      MessageId: message.messageId,
      ReceiptHandle: receiptHandle,
      MD5OfBody: message.md5OfBody,
      Body: message.body,
      ...(Object.keys(Attributes).length > 0 ? { Attributes } : {}),
      ...(selected.length > 0 ? { MessageAttributes: Object.fromEntries(selected), MD5OfMessageAttributes: message.md5OfAttributes } : {}),
    };
  }

  private changeVisibility(queue: Queue, params: Params): void {
    const receiptHandle = requiredString(params, 'ReceiptHandle');
    const timeout = optionalInteger(params, 'VisibilityTimeout', 0, 43_200);
    if (timeout === undefined) throw missingParameter('VisibilityTimeout');
    queue.changeVisibility(receiptHandle, timeout);
  }

  /** The queue a request's QueueUrl names (any host: only the name in the path counts). */
  private queueOf(params: Params): Queue {
    const url = requiredString(params, 'QueueUrl');
    return this.queueNamed(url.split('/').filter(Boolean).pop() ?? '');
  }

  private queueNamed(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', 400, 'AWS.SimpleQueueService.NonExistentQueue');
    return queue;
  }

  private urlOf(queue: Queue, context: RequestContext): string {
    return `${context.origin}/${context.accountId}/${queue.name}`;
  }
}

function attributeSelected(name: string, requested: string[]): boolean {
  return requested.some((r) => r === 'All' || r === '.*' || r === name || (r.endsWith('.*') && name.startsWith(r.slice(0, -1))));
}

function messageSize(entry: Params): number {
  const body = typeof entry.MessageBody === 'string' ? Buffer.byteLength(entry.MessageBody) : 0;
  try {
    return body + attributesSize(validateMessageAttributes(entry.MessageAttributes));
  } catch {
    return body;
  }
}

function stringMap(map: Params | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([key, value]) => [key, String(value)]));
}
