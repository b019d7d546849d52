import { describe, expect, it } from 'vitest';
import { credentialScope, routeOf, targetOperation } from '../../src/emulator/router.js';

const signed = (service: string, region = 'eu-west-1') => ({
  authorization: `AWS4-HMAC-SHA256 Credential=test/20261123/${region}/${service}/aws4_request, SignedHeaders=host, Signature=abc`,
});

describe('router', () => {
  it.each([
    [{ 'x-amz-target': 'AmazonSQS.SendMessage' }, 'sqs'],
    [{ 'x-amz-target': 'DynamoDB_20120810.PutItem' }, 'dynamodb'],
    [{ 'x-amz-target': 'AWSStepFunctions.StartExecution' }, 'states'],
    [signed('sns'), 'sns'],
    [signed('sqs'), 'sqs'],
    [{ 'x-amz-target': 'Kinesis_20131202.ListStreams' }, undefined],
    [{}, undefined],
  ])('when headers are %j, it routes to %s', (headers, service) => {
    expect(routeOf(headers).service).toBe(service);
  });

  it('when a request is signed, it reads region and service from the credential scope', () => {
    expect(credentialScope(signed('sns', 'ap-south-1'))).toEqual({ region: 'ap-south-1', service: 'sns' });
    expect(routeOf({ 'x-amz-target': 'AmazonSQS.SendMessage', ...signed('sqs', 'ap-south-1') })).toEqual({ service: 'sqs', region: 'ap-south-1' });
    expect(credentialScope({ authorization: 'Bearer x' })).toBeUndefined();
  });

  it('when a target names an operation, it returns the operation', () => {
    expect(targetOperation({ 'x-amz-target': 'AmazonSQS.ReceiveMessage' })).toBe('ReceiveMessage');
  });
});
