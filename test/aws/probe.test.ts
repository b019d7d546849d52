import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { resolveEndpoint } from '../../src/aws/endpoint.js';
import { awsFailure } from '../../src/aws/errors.js';
import { probeEndpoint } from '../../src/aws/probe.js';
import { BooksimError } from '../../src/errors.js';
import { useEndpoint } from '../helpers/endpoint.js';

/** Nothing listens on port 9 of the loopback (discard, never served here). */
const nobody = 'http://127.0.0.1:9';

describe('probeEndpoint and awsFailure with one endpoint per service (real SDK clients)', () => {
  const fx = useEndpoint();
  // A DynamoDB that answers ListTables but fails everything else, as a broken endpoint may.
  let broken: Server;
  let brokenUrl: string;
  beforeAll(async () => {
    broken = createServer((req, res) => {
      const listTables = req.headers['x-amz-target'] === 'DynamoDB_20120810.ListTables';
      req.resume();
      req.on('end', () => {
        res.writeHead(listTables ? 200 : 500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(listTables ? { TableNames: [] } : { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'the table store is down' }));
      });
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => broken.close(() => resolve())));

  it('when every endpoint answers, the probe passes', async () => {
    await expect(probeEndpoint(resolveEndpoint({}, { AWS_ENDPOINT_URL: fx.endpoint.url, AWS_ENDPOINT_URL_DYNAMODB: brokenUrl }))).resolves.toBeUndefined();
  });

  it('when the endpoint of one service does not answer, the probe names that one, exit 4', async () => {
    const config = resolveEndpoint({}, { AWS_ENDPOINT_URL: fx.endpoint.url, AWS_ENDPOINT_URL_DYNAMODB: nobody });
    const error = await probeEndpoint(config).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BooksimError);
    expect(error).toMatchObject({ exitCode: 4, message: `no AWS endpoint answers at ${nobody} (ECONNREFUSED)` });
  });

  it('when a call fails, the failure names the service, the operation, what it answered and the endpoint it went to', async () => {
    const clients = createClients({ endpoint: { ...resolveEndpoint({ endpoint: fx.endpoint.url }, {}).endpoints, dynamodb: brokenUrl }, maxAttempts: 1 });
    try {
      const error = await clients.dynamodb.send(new DescribeTableCommand({ TableName: 't' })).then(() => undefined, (e: unknown) => e);
      expect(awsFailure(error, 'read the status of stack s', fx.endpoint.url)).toMatchObject({
        exitCode: 4,
        message: `could not read the status of stack s: dynamodb DescribeTable answered InternalServerError: the table store is down (endpoint ${brokenUrl})`,
      });
    } finally {
      clients.destroy();
    }
  });
});
