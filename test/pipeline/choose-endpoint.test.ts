import { describe, expect, it, onTestFinished } from 'vitest';
import { chooseEndpoint } from '../../src/pipeline/run-pipeline.js';
import { closedEndpoint, useEndpoint } from '../helpers/endpoint.js';

const choice = { standardQueueChaos: 0, seed: 1 };

describe('chooseEndpoint (what booksim run and compare run on)', () => {
  const tables = useEndpoint();

  it('when only AWS_ENDPOINT_URL_DYNAMODB is set and nothing answers at the default, DynamoDB stays there and the other services run on an embedded endpoint', async () => {
    const steps: string[] = [];
    const closed = await closedEndpoint();
    // A variable for a service booksim does not call names nothing.
    const env = { AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint.url, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', BOOKSIM_DEFAULT_ENDPOINT: closed };
    const { endpoint, embedded } = await chooseEndpoint({}, choice, env, (line) => steps.push(line));
    onTestFinished(() => embedded?.close());
    expect(embedded).toBeDefined();
    expect(endpoint.endpoints).toEqual({ sqs: embedded!.url, sns: embedded!.url, dynamodb: tables.endpoint.url, sfn: embedded!.url, iam: embedded!.url });
    expect(endpoint.display).toBe(`${embedded!.url} (dynamodb at ${tables.endpoint.url})`);
    expect(steps).toEqual([`nothing answers at ${closed}: running sqs, sns, sfn, iam on booksim's embedded endpoint at ${embedded!.url} for this run (no Docker needed; standard-queue chaos 0)`]);
  });

  it('when the endpoint named for one service does not answer, it is not stood in for: exit 4 naming it', async () => {
    const steps: string[] = [];
    const chosen = chooseEndpoint({}, choice, { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9', BOOKSIM_DEFAULT_ENDPOINT: await closedEndpoint() }, (line) => steps.push(line));
    await expect(chosen).rejects.toMatchObject({ exitCode: 4, message: 'no AWS endpoint answers at http://127.0.0.1:9 (ECONNREFUSED)' });
    expect(steps).toEqual([]);
  });

  it('when every service is named, it runs there and starts nothing', async () => {
    const { endpoint, embedded } = await chooseEndpoint({}, choice, { AWS_ENDPOINT_URL: tables.endpoint.url }, () => undefined);
    expect(embedded).toBeUndefined();
    expect(endpoint.display).toBe(tables.endpoint.url);
  });
});
