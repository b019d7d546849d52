import { md5OfMessageAttributes } from '../message-attributes.js';
import type { ReceivedMessage } from './queue.js';

/** The message system attributes a receive can ask for (the MessageSystemAttributeName enum of the API). */
const systemAttributeNames = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
];

/** What a receive asked to see of each message. */
export interface ReceiveSelection {
  /** System attribute names (MessageSystemAttributeNames and the older AttributeNames), `All` for all. */
  systemNames: ReadonlySet<string>;
  /** Message attribute names: a name, `All` or `.*` for all, or a prefix such as `booking.*`. */
  attributeNames: readonly string[];
}

/** A received message as ReceiveMessage answers it, with only the attributes asked for. */
export function describeReceived({ message, receiptHandle }: ReceivedMessage, selection: ReceiveSelection) {
  const system: Record<string, string | undefined> = {
    SenderId: 'AIDAIT2UOQQY3AUEKVGXU',
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
    SequenceNumber: message.sequenceNumber,
    MessageDeduplicationId: message.dedupId,
    MessageGroupId: message.groupId,
    AWSTraceHeader: message.traceHeader,
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
  const all = selection.systemNames.has('All');
  const wanted = systemAttributeNames.filter((name) => (all || selection.systemNames.has(name)) && system[name] !== undefined);
  const Attributes = Object.fromEntries(wanted.map((name) => [name, system[name]!]));
  const MessageAttributes = Object.fromEntries(Object.entries(message.attributes).filter(([name]) => attributeSelected(name, selection.attributeNames)));
  return {
    MessageId: message.messageId,
    ReceiptHandle: receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(wanted.length > 0 ? { Attributes } : {}),
    // The checksum covers the attributes returned, which the SDK verifies against it.
    ...(Object.keys(MessageAttributes).length > 0 ? { MessageAttributes, MD5OfMessageAttributes: md5OfMessageAttributes(MessageAttributes) } : {}),
  };
}

/** Whether a receive's MessageAttributeNames select this attribute (ReceiveMessage, MessageAttributeNames). */
function attributeSelected(name: string, requested: readonly string[]): boolean {
  return requested.some((r) => r === 'All' || r === '.*' || r === name || (r.endsWith('.*') && name.startsWith(r.slice(0, -1))));
}
