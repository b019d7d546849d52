import { createHash } from 'node:crypto';
import { invalidParameterValue } from './aws-error.js';

/** A message attribute as SQS and SNS carry it; binary values travel base64-encoded. */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export type MessageAttributes = Record<string, MessageAttributeValue>;

const maxAttributes = 10;
const namePattern = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;
const dataTypePattern = /^(String|Number|Binary)(\..{1,250})?$/;

/**
 * Checks message attributes as SQS and SNS do (at most 10, valid names and data types,
 * a value of the declared kind) and returns them in their canonical shape.
 */
export function validateMessageAttributes(input: unknown): MessageAttributes {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw invalidParameterValue('MessageAttributes must be a map.');
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > maxAttributes) {
    throw invalidParameterValue(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${maxAttributes}].`,
    );
  }
  const result: MessageAttributes = {};
  for (const [name, raw] of entries) {
    if (!namePattern.test(name) || /^(aws|amazon)\./i.test(name)) {
      throw invalidParameterValue(`Message attribute name '${name}' is invalid.`);
    }
    const value = (raw ?? {}) as Record<string, unknown>;
    const dataType = value.DataType;
    if (typeof dataType !== 'string' || !dataTypePattern.test(dataType)) {
      throw invalidParameterValue(`The message attribute '${name}' has an invalid message attribute type.`);
    }
    if (dataType.startsWith('Binary')) {
      if (typeof value.BinaryValue !== 'string') {
        throw invalidParameterValue(`The message attribute '${name}' must contain a non-empty message attribute value.`);
      }
      result[name] = { DataType: dataType, BinaryValue: value.BinaryValue };
      continue;
    }
    if (typeof value.StringValue !== 'string' || value.StringValue === '') {
      throw invalidParameterValue(`The message attribute '${name}' must contain a non-empty message attribute value.`);
    }
    if (dataType.startsWith('Number') && !Number.isFinite(Number(value.StringValue))) {
      throw invalidParameterValue(`Could not cast message attribute '${name}' value to number.`);
    }
    result[name] = { DataType: dataType, StringValue: value.StringValue };
  }
  return result;
}

/** Bytes the attributes add to a message's size, as SQS counts them. */
export function attributesSize(attributes: MessageAttributes): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType);
    size += value.BinaryValue !== undefined ? Buffer.from(value.BinaryValue, 'base64').length : Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

/** Hex MD5 of a message body, as SQS returns in MD5OfBody. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/**
 * Hex MD5 of message attributes in the encoding AWS documents (names sorted; each name,
 * type and value length-prefixed; a transport byte 1 for strings, 2 for binary).
 * Undefined when there are none, as SQS omits the field then.
 */
export function md5OfMessageAttributes(attributes: MessageAttributes): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  const lengthPrefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of names) {
    const value = attributes[name]!;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(value.DataType, 'utf8'));
    if (value.BinaryValue !== undefined) {
      hash.update(Buffer.from([2]));
      lengthPrefixed(Buffer.from(value.BinaryValue, 'base64'));
    } else {
      hash.update(Buffer.from([1]));
      lengthPrefixed(Buffer.from(value.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}
