import { describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../src/aws/endpoint.js';
import { awsFailure } from '../../src/aws/errors.js';
import { BooksimError } from '../../src/errors.js';

const everywhere = (url: string) => ({ sqs: url, sns: url, dynamodb: url, sfn: url, iam: url });

describe('resolveEndpoint', () => {
  it('when --endpoint is given, it wins over every variable and goes to every client', () => {
    const config = resolveEndpoint({ endpoint: 'http://127.0.0.1:4567' }, { AWS_ENDPOINT_URL: 'http://elsewhere:1', AWS_ENDPOINT_URL_SQS: 'http://elsewhere:2' });
    expect(config).toEqual({ endpoints: everywhere('http://127.0.0.1:4567'), display: 'http://127.0.0.1:4567', defaulted: [], region: 'us-east-1', local: true, aws: false });
  });

  it('when a service-specific variable is set, that service goes there and the rest to AWS_ENDPOINT_URL', () => {
    const config = resolveEndpoint({}, { AWS_ENDPOINT_URL: 'http://localstack:4566', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' });
    expect(config).toMatchObject({ endpoints: { ...everywhere('http://localstack:4566'), dynamodb: 'http://127.0.0.1:8000' }, defaulted: [], local: true });
    // Shown wherever the endpoint is: a run's summary, deploy, status, destroy.
    expect(config.display).toBe('http://localstack:4566 (dynamodb at http://127.0.0.1:8000)');
  });

  it('when only a service-specific variable is set, the other services keep the local default, never real AWS', () => {
    const config = resolveEndpoint({}, { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' });
    expect(config.endpoints).toEqual({ ...everywhere('http://localhost:4566'), dynamodb: 'http://127.0.0.1:8000' });
    expect(config.defaulted).toEqual(['sqs', 'sns', 'sfn', 'iam']);
  });

  it('when nothing is set, it uses LocalStack’s default and us-east-1', () => {
    expect(resolveEndpoint({}, {})).toEqual({ endpoints: everywhere('http://localhost:4566'), display: 'http://localhost:4566', defaulted: ['sqs', 'sns', 'dynamodb', 'sfn', 'iam'], region: 'us-east-1', local: true, aws: false });
  });

  it('when BOOKSIM_DEFAULT_ENDPOINT is set, it replaces the default and nothing that is named', () => {
    expect(resolveEndpoint({}, { BOOKSIM_DEFAULT_ENDPOINT: 'http://127.0.0.1:4599' })).toMatchObject({ endpoints: everywhere('http://127.0.0.1:4599'), display: 'http://127.0.0.1:4599' });
    expect(resolveEndpoint({}, { BOOKSIM_DEFAULT_ENDPOINT: 'http://127.0.0.1:4599', AWS_ENDPOINT_URL: 'http://127.0.0.1:4600' }).display).toBe('http://127.0.0.1:4600');
    expect(() => resolveEndpoint({}, { BOOKSIM_DEFAULT_ENDPOINT: 'nowhere' })).toThrow(/BOOKSIM_DEFAULT_ENDPOINT/);
  });

  it('when a region is given by flag or environment, it takes the flag first', () => {
    expect(resolveEndpoint({ region: 'eu-west-1' }, { AWS_REGION: 'ap-south-1' }).region).toBe('eu-west-1');
    expect(resolveEndpoint({}, { AWS_DEFAULT_REGION: 'ap-south-1' }).region).toBe('ap-south-1');
  });

  it('when the endpoint is remote, it is not treated as local', () => {
    expect(resolveEndpoint({ endpoint: 'https://sqs.eu-west-1.amazonaws.com' }, {}).local).toBe(false);
  });

  it.each(['not a url', 'ftp://localhost:4566'])('when the endpoint is %j, it is a usage error', (endpoint) => {
    expect(() => resolveEndpoint({ endpoint }, {})).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => resolveEndpoint({}, { AWS_ENDPOINT_URL_SNS: endpoint })).toThrow(/AWS_ENDPOINT_URL_SNS/);
  });
});

describe('awsFailure', () => {
  it('when nothing answered, it names the endpoint and how to start one, exit 4', () => {
    const error = awsFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'deploy queue q', 'http://127.0.0.1:1');
    expect(error).toBeInstanceOf(BooksimError);
    expect((error as BooksimError).message).toBe('no AWS endpoint answers at http://127.0.0.1:1 (ECONNREFUSED) while trying to deploy queue q');
    expect((error as BooksimError).exitCode).toBe(4);
    expect((error as BooksimError).suggestions.join(' ')).toContain('docker compose up -d');
  });

  it('when AWS refused, it says what booksim was doing and what AWS answered', () => {
    const refused = Object.assign(new Error('User is not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect((awsFailure(refused, 'deploy table t', 'https://aws') as BooksimError).message).toBe('could not deploy table t: AccessDenied: User is not authorized (endpoint https://aws)');
  });

  it('when the error is not from AWS, it is returned as it is', () => {
    const bug = new TypeError('x is undefined');
    expect(awsFailure(bug, 'x', 'y')).toBe(bug);
  });
});
