import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { resolveEndpoint } from '../../src/aws/endpoint.js';
import { awsFailure } from '../../src/aws/errors.js';
import { probeEndpoint } from '../../src/aws/probe.js';
import { BooksimError } from '../../src/errors.js';
import { useBrokenDynamoDb, useEndpoint } from '../helpers/endpoint.js';

/** Nothing listens on port 9 of the loopback (discard, never served here). */
const nobody = 'http://127.0.0.1:9';

describe('probeEndpoint and awsFailure with one endpoint per service (real SDK clients)', () => {
  const fx = useEndpoint();
  const broken = useBrokenDynamoDb();

  it('when every endpoint answers, the probe passes', async () => {
    await expect(probeEndpoint(resolveEndpoint({}, { AWS_ENDPOINT_URL: fx.endpoint.url, AWS_ENDPOINT_URL_DYNAMODB: broken.url }))).resolves.toBeUndefined();
  });

  it('when the endpoint of one service does not answer, the probe names that one, exit 4', async () => {
    const config = resolveEndpoint({}, { AWS_ENDPOINT_URL: fx.endpoint.url, AWS_ENDPOINT_URL_DYNAMODB: nobody });
    const error = await probeEndpoint(config).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BooksimError);
    expect(error).toMatchObject({ exitCode: 4, message: `no AWS endpoint answers at ${nobody} (ECONNREFUSED)` });
  });

  it('when a call fails, the failure names the service, the operation, what it answered and the endpoint it went to', async () => {
    const clients = createClients({ endpoint: { ...resolveEndpoint({ endpoint: fx.endpoint.url }, {}).endpoints, dynamodb: broken.url }, maxAttempts: 1 });
    try {
      const error = await clients.dynamodb.send(new DescribeTableCommand({ TableName: 't' })).then(() => undefined, (e: unknown) => e);
      expect(awsFailure(error, 'read the status of stack s', fx.endpoint.url)).toMatchObject({
        exitCode: 4,
        message: `could not read the status of stack s: dynamodb DescribeTable answered InternalServerError: the table store is down (endpoint ${broken.url})`,
      });
    } finally {
      clients.destroy();
    }
  });
});
