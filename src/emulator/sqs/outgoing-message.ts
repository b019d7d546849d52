import { AwsError, invalidParameterValue, missingParameter } from '../aws-error.js';
import { attributesSize, validateMessageAttributes, type MessageAttributes } from '../message-attributes.js';
import { optionalInteger, optionalString, type Params } from '../params.js';
import type { OutgoingMessage, Queue } from './queue.js';

const bodyCharacters = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Reads a send request (SendMessage or a batch entry), checked against the queue's type and limits. */
export function outgoingMessage(queue: Queue, params: Params): OutgoingMessage {
  const body = optionalString(params, 'MessageBody');
  if (body === undefined || body === '') throw missingParameter('MessageBody');
  if (bodyCharacters.test(body)) {
    throw new AwsError('InvalidMessageContents', 'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');
  }
  const attributes: MessageAttributes = validateMessageAttributes(params.MessageAttributes);
  const traceHeader = traceHeaderOf(params.MessageSystemAttributes);
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
    ...(traceHeader !== undefined ? { traceHeader } : {}),
  };
}

/**
 * The AWSTraceHeader of a send's MessageSystemAttributes, the only one SQS takes: a String,
 * and not counted in the message's size (API reference, SendMessage).
 */
function traceHeaderOf(input: unknown): string | undefined {
  const attributes = validateMessageAttributes(input);
  for (const [name, value] of Object.entries(attributes)) {
    if (name !== 'AWSTraceHeader' || value.DataType !== 'String') {
      throw invalidParameterValue(`Message system attribute '${name}' is invalid: the only one supported is AWSTraceHeader, of type String.`);
    }
  }
  return attributes.AWSTraceHeader?.StringValue;
}

/** Bytes a batch entry counts towards the batch limit; a malformed entry counts its body only (it fails alone). */
export function messageSize(entry: Params): number {
  const body = typeof entry.MessageBody === 'string' ? Buffer.byteLength(entry.MessageBody) : 0;
  try {
    return body + attributesSize(validateMessageAttributes(entry.MessageAttributes));
  } catch {
    return body;
  }
}
