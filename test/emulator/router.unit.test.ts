import { describe, expect, it } from 'vitest';
import { accountIdOf, credentialScope, routeOf, targetOperation } from '../../src/emulator/router.js';

const signed = (service: string, region = 'eu-west-1', accessKeyId = 'test') => ({
  authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261123/${region}/${service}/aws4_request, SignedHeaders=host, Signature=abc`,
});

describe('router', () => {
  it.each([
    [{ 'x-amz-target': 'AmazonSQS.SendMessage' }, 'sqs'],
    [{ 'x-amz-target': 'DynamoDB_20120810.PutItem' }, 'dynamodb'],
    [{ 'x-amz-target': 'AWSStepFunctions.StartExecution' }, 'states'],
    [signed('sns'), 'sns'],
    [signed('sqs'), 'sqs'],
    [signed('iam', 'us-east-1'), 'iam'],
    [{ 'x-amz-target': 'Kinesis_20131202.ListStreams' }, undefined],
    [{}, undefined],
  ])('when headers are %j, it routes to %s', (headers, service) => {
    expect(routeOf(headers).service).toBe(service);
  });

  it('when a request is signed, it reads region and service from the credential scope', () => {
    expect(credentialScope(signed('sns', 'ap-south-1'))).toEqual({ accessKeyId: 'test', region: 'ap-south-1', service: 'sns' });
    expect(routeOf({ 'x-amz-target': 'AmazonSQS.SendMessage', ...signed('sqs', 'ap-south-1') })).toEqual({ service: 'sqs', region: 'ap-south-1', accountId: '000000000000' });
    expect(credentialScope({ authorization: 'Bearer x' })).toBeUndefined();
  });

  it.each([
    ['112233445566', '112233445566'],
    ['test', '000000000000'],
    ['booksim', '000000000000'],
    ['AKIAIOSFODNN7EXAMPLE', '000000000000'],
    ['1122334455667', '000000000000'],
    ['11223344556', '000000000000'],
    [undefined, '000000000000'],
  ])('when the access key id is %s, the account is %s', (accessKeyId, account) => {
    expect(accountIdOf(accessKeyId)).toBe(account);
  });

  it('when a request is signed with a 12-digit access key id, it acts in that account; unsigned, in the default one', () => {
    expect(routeOf(signed('sqs', 'us-east-1', '111111111111')).accountId).toBe('111111111111');
    expect(routeOf({ 'x-amz-target': 'AmazonSQS.SendMessage' }).accountId).toBe('000000000000');
  });

  it('when a target names an operation, it returns the operation', () => {
    expect(targetOperation({ 'x-amz-target': 'AmazonSQS.ReceiveMessage' })).toBe('ReceiveMessage');
  });
});
