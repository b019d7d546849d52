import { createHash } from 'node:crypto';
import { attributesSize, validateMessageAttributes, type MessageAttributes } from '../message-attributes.js';
import { optionalString, type Params } from '../params.js';
import { invalidParameter } from './sns-errors.js';
import type { TopicSettings } from './topic-attributes.js';

/** A published message, checked against its topic, as delivery needs it. */
export interface Publication {
  /** The text an SQS subscription receives: the message, or under MessageStructure json its `sqs` (or `default`) entry. */
  message: string;
  subject?: string;
  attributes: MessageAttributes;
  /** FIFO topics only. */
  groupId?: string;
  /** FIFO topics only: the explicit id, or under content-based deduplication the SHA-256 of the message. */
  dedupId?: string;
  /** Message and attribute bytes, as the 256 KiB limit counts them. */
  bytes: number;
}

/** Largest message SNS accepts, attributes included; also the limit of a whole PublishBatch. */
export const maxMessageBytes = 262_144;

const subjectPattern = /^[\x20-\x7e]{1,99}$/;
const fifoIdPattern = /^[\x21-\x7e]{1,128}$/;

/**
 * Reads the message of a Publish request or PublishBatch entry and checks it as SNS does:
 * a non-empty message of at most 256 KiB with its attributes, a one-line ASCII subject,
 * and on a FIFO topic a MessageGroupId and a deduplication id (explicit or content-based).
 * Throws InvalidParameter (or the shared readers' errors for malformed attributes).
 */
export function readPublication(params: Params, topic: TopicSettings): Publication {
  const message = optionalString(params, 'Message');
  if (message === undefined || message === '') throw invalidParameter('Empty message');
  const attributes = validateMessageAttributes(params.MessageAttributes);
  const bytes = Buffer.byteLength(message) + attributesSize(attributes);
  if (bytes > maxMessageBytes) throw invalidParameter('Message too long');
  const subject = optionalString(params, 'Subject');
  if (subject !== undefined && !subjectPattern.test(subject)) {
    // AWS answers just "Invalid parameter: Subject" (recorded for an empty one in LocalStack's snapshots).
    throw invalidParameter('Subject');
  }
  const groupId = fifoId(params, 'MessageGroupId');
  const dedupId = fifoId(params, 'MessageDeduplicationId');
  if (topic.fifo) {
    if (groupId === undefined) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
    if (dedupId === undefined && !topic.contentBasedDeduplication) {
      throw invalidParameter('The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    }
  } else if (dedupId !== undefined) {
    throw invalidParameter('MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
  }
  return {
    message: sqsMessage(message, optionalString(params, 'MessageStructure')),
    ...(subject !== undefined ? { subject } : {}),
    attributes,
    // A standard topic accepts a MessageGroupId (AWS uses it for SQS fair queues) but booksim does not pass it on.
    ...(topic.fifo ? { groupId, dedupId: dedupId ?? createHash('sha256').update(message).digest('hex') } : {}),
    bytes,
  };
}

function fifoId(params: Params, name: string): string | undefined {
  const value = optionalString(params, name);
  if (value !== undefined && !fifoIdPattern.test(value)) {
    throw invalidParameter(`${name} Reason: must be 1 to 128 printable ASCII characters.`);
  }
  return value;
}

/** The text for SQS subscribers; with MessageStructure json, the message is a JSON object per protocol. */
function sqsMessage(message: string, structure: string | undefined): string {
  if (structure === undefined) return message;
  if (structure !== 'json') throw invalidParameter('MessageStructure Reason: the only supported value is json.');
  let perProtocol: unknown;
  try {
    perProtocol = JSON.parse(message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  const entries = (typeof perProtocol === 'object' && perProtocol !== null ? perProtocol : {}) as Record<string, unknown>;
  if (typeof entries.default !== 'string') throw invalidParameter('Message Structure - No default entry in JSON message body');
  return typeof entries.sqs === 'string' ? entries.sqs : entries.default;
}
