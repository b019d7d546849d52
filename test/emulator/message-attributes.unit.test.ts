import { describe, expect, it } from 'vitest';
import { md5OfBody, md5OfMessageAttributes, validateMessageAttributes } from '../../src/emulator/message-attributes.js';

describe('message attribute checksums', () => {
  // Vectors computed by AWS, LocalStack and sqslite for the same attributes.
  it.each([
    [{ SellerName: { DataType: 'String', StringValue: 'Example Store' } }, 'cd28f3b68aeee4b2eac9c66f2f694b58'],
    [{ timestamp: { DataType: 'Number', StringValue: '1493147359900' } }, '235c5c510d26fb653d073faed50ae77c'],
    [
      { ordinal: { DataType: 'Number', StringValue: '1' }, category: { DataType: 'String', StringValue: 'test' } },
      'd21ae90c49061e927f57df5f5d72be1f',
    ],
  ])('when attributes are %j, it computes the MD5 AWS does', (attributes, expected) => {
    expect(md5OfMessageAttributes(attributes)).toBe(expected);
  });

  it('when there are no attributes, it has no checksum', () => {
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });

  it('when a body is hashed, it is the hex MD5 of its UTF-8 bytes', () => {
    expect(md5OfBody('hello')).toBe('5d41402abc4b2a76b9719d911017c592');
  });
});

describe('message attribute validation', () => {
  it.each([
    ['a reserved prefix', { 'AWS.x': { DataType: 'String', StringValue: 'v' } }],
    ['two dots in a row', { 'a..b': { DataType: 'String', StringValue: 'v' } }],
    ['an unknown data type', { a: { DataType: 'Date', StringValue: 'v' } }],
    ['a number that is not one', { a: { DataType: 'Number', StringValue: 'seven' } }],
    ['a missing value', { a: { DataType: 'String' } }],
    ['a binary without bytes', { a: { DataType: 'Binary', StringValue: 'v' } }],
  ])('when an attribute has %s, it is refused', (_case, attributes) => {
    expect(() => validateMessageAttributes(attributes)).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
  });

  it('when attributes are valid, it keeps custom types and drops unrelated fields', () => {
    expect(validateMessageAttributes({ a: { DataType: 'Number.int', StringValue: '3', BinaryValue: 'ignored' } })).toEqual({
      a: { DataType: 'Number.int', StringValue: '3' },
    });
  });
});
