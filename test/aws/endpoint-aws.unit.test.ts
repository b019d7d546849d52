import { describe, expect, it } from 'vitest';
import { createClients, credentialsOf } from '../../src/aws/clients.js';
import { confirmAws } from '../../src/aws/confirm.js';
import { awsEndpoint, resolveEndpoint } from '../../src/aws/endpoint.js';
import { BooksimError, ExitCode } from '../../src/errors.js';
import { roleArnOf } from '../../src/cli/flags.js';

const everywhere = (url: string) => ({ sqs: url, sns: url, dynamodb: url, sfn: url, iam: url });

describe('--endpoint aws', () => {
  it('is real AWS: every service left to the SDK’s resolver, not local, in the region of --region', () => {
    const config = resolveEndpoint({ endpoint: 'aws', region: 'eu-west-1' }, { AWS_REGION: 'us-west-2', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' });
    expect(config).toEqual({ endpoints: everywhere(awsEndpoint), display: 'AWS (eu-west-1)', defaulted: [], region: 'eu-west-1', local: false, aws: true });
  });

  it('takes the region from AWS_REGION, else AWS_DEFAULT_REGION', () => {
    expect(resolveEndpoint({ endpoint: 'aws' }, { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'ap-south-1' }).region).toBe('us-west-2');
    expect(resolveEndpoint({ endpoint: 'aws' }, { AWS_DEFAULT_REGION: 'ap-south-1' }).region).toBe('ap-south-1');
  });

  it('with no region anywhere, is a usage error saying how to give one (no us-east-1 default on AWS)', () => {
    const error = (() => {
      try {
        resolveEndpoint({ endpoint: 'aws' }, {});
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(BooksimError);
    expect((error as BooksimError).exitCode).toBe(ExitCode.usage);
    expect((error as BooksimError).message).toBe('--endpoint aws needs a region: none was given');
    expect((error as BooksimError).suggestions.join(' ')).toContain('--region');
  });

  it('is that word only: AWS_ENDPOINT_URL=aws is not a URL, and no endpoint means the local default', () => {
    expect(() => resolveEndpoint({}, { AWS_ENDPOINT_URL: 'aws' })).toThrow(/is not a URL/);
    expect(() => resolveEndpoint({ endpoint: 'AWS' }, {})).toThrow(/is not a URL/);
    expect(resolveEndpoint({}, {})).toMatchObject({ aws: false, local: true, endpoints: everywhere('http://localhost:4566') });
  });

  it('gives the clients no endpoint override, so the SDK’s default resolver picks the regional endpoint', async () => {
    const config = resolveEndpoint({ endpoint: 'aws', region: 'eu-west-1' }, {});
    const clients = createClients({ endpoint: config.endpoints, region: config.region, local: config.local });
    try {
      for (const client of [clients.sqs, clients.sns, clients.dynamodb, clients.sfn, clients.iam]) {
        expect(client.config.endpoint).toBeUndefined();
        expect(client.config.isCustomEndpoint).toBe(false);
      }
      const resolved = clients.sqs.config.endpointProvider({ Region: 'eu-west-1', UseFIPS: false, UseDualStack: false });
      expect(resolved.url.href).toBe('https://sqs.eu-west-1.amazonaws.com/');
    } finally {
      clients.destroy();
    }
  });

  it('uses the standard credential chain: never the test/test fallback, even with nothing configured', () => {
    expect(credentialsOf({ endpoint: everywhere(awsEndpoint), local: false }, {})).toBeUndefined();
    expect(credentialsOf({ endpoint: awsEndpoint }, {})).toBeUndefined();
    // The local fallback stays for local endpoints.
    expect(credentialsOf({ endpoint: 'http://127.0.0.1:4566' }, {})).toEqual({ accessKeyId: 'test', secretAccessKey: 'test' });
  });
});

describe('confirmAws', () => {
  const local = resolveEndpoint({ endpoint: 'http://127.0.0.1:1' }, {});

  it('lets every endpoint but AWS pass without a call, a line or a question', async () => {
    const said: string[] = [];
    await confirmAws(local, 'delete the resources of stack s', { yes: false, interactive: false, say: (line) => said.push(line) });
    expect(said).toEqual([]);
  });
});

describe('--role-arn', () => {
  it('takes an IAM role ARN of any partition and path, and is undefined when not given (deploy then creates the role)', () => {
    expect(roleArnOf({ 'role-arn': 'arn:aws:iam::123456789012:role/saga' })).toBe('arn:aws:iam::123456789012:role/saga');
    expect(roleArnOf({ 'role-arn': 'arn:aws-cn:iam::123456789012:role/service/booksim-saga' })).toBe('arn:aws-cn:iam::123456789012:role/service/booksim-saga');
    expect(roleArnOf({})).toBeUndefined();
  });

  it('refuses anything else, with how to fix it', () => {
    for (const bad of ['booksim-saga', 'arn:aws:iam::123:role/saga', 'arn:aws:sqs:us-east-1:123456789012:queue', 'arn:aws:iam::123456789012:user/me']) {
      expect(() => roleArnOf({ 'role-arn': bad })).toThrow(`--role-arn "${bad}" is not an IAM role ARN`);
    }
  });
});
