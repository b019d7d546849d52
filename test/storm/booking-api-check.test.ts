import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../src/aws/endpoint.js';
import { deployStack } from '../../src/deploy/deploy.js';
import { stackNames } from '../../src/deploy/stack.js';
import { BooksimError, ExitCode } from '../../src/errors.js';
import { startWorkerHost } from '../../src/runtime/worker-host.js';
import { checkBookingApi } from '../../src/storm/booking-api-check.js';
import { closedEndpoint, uniqueName, useEndpoint } from '../helpers/endpoint.js';

/** The environment error checkBookingApi throws, for its message. */
async function environmentError(check: Promise<void>): Promise<string> {
  const error = await check.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(BooksimError);
  expect((error as BooksimError).exitCode).toBe(ExitCode.environment);
  expect((error as BooksimError).message).not.toContain('\n');
  return (error as BooksimError).message;
}

describe('a booking API served by booksim worker --api-port, as storm --api checks it (embedded endpoint, real SDK)', () => {
  const fx = useEndpoint();
  const deploy = async (stack: string) =>
    deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
  const endpoint = () => resolveEndpoint({ endpoint: fx.endpoint.url }, {});

  it('a host of no function serves the API: it answers the check and a booking, and once stopped the check fails naming the URL (exit 4)', async () => {
    const stack = uniqueName('api-host');
    await deploy(stack);
    const host = await startWorkerHost({ endpoint: endpoint(), stack, functions: [], apiPort: 0, concurrency: 1 });
    try {
      expect(host.functions).toEqual([]);
      const url = host.api!.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await checkBookingApi(url, stack);
      await checkBookingApi(`${url}/`, stack);
      const response = await fetch(`${url}/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ seatId: 'E/S0001', customerId: 'C1', requestId: 'R1', tier: 'STANDARD', amount: 5000 }),
      });
      expect(response.status).toBe(202);
      const { bookingId } = (await response.json()) as { bookingId: string };
      const stored = await fetch(`${url}/bookings/${bookingId}`);
      expect(stored.status).toBe(200);
    } finally {
      await host.stop();
    }
    const message = await environmentError(checkBookingApi(host.api!.url, stack));
    expect(message).toBe(`the booking API at ${host.api!.url} does not answer (ECONNREFUSED): is booksim worker --stack ${stack} --api-port N serving it, on this endpoint?`);
  });

  it("fails the check against the API of another stack: the load would go to that stack's tables", async () => {
    const stack = uniqueName('api-host-ours');
    const other = uniqueName('api-host-theirs');
    await deploy(stack);
    await deploy(other);
    const host = await startWorkerHost({ endpoint: endpoint(), stack: other, functions: [], apiPort: 0, concurrency: 1 });
    try {
      const message = await environmentError(checkBookingApi(host.api!.url, stack));
      expect(message).toBe(
        `the booking API at ${host.api!.url} serves another stack (its state machine: arn:aws:states:us-east-1:000000000000:stateMachine:${other}-saga): is booksim worker --stack ${stack} --api-port N serving it, on this endpoint?`,
      );
      await checkBookingApi(host.api!.url, other);
    } finally {
      await host.stop();
    }
  });

  it('fails the check when the API cannot read its stack (its bookings table deleted): the API answers 500, not its 404', async () => {
    const stack = uniqueName('api-host-broken');
    await deploy(stack);
    const host = await startWorkerHost({ endpoint: endpoint(), stack, functions: [], apiPort: 0, concurrency: 1 });
    try {
      await fx.clients.dynamodb.send(new DeleteTableCommand({ TableName: stackNames(stack).tables.bookings }));
      const message = await environmentError(checkBookingApi(host.api!.url, stack));
      expect(message).toMatch(new RegExp(`^the booking API at ${host.api!.url} answered GET /bookings/B0{20} with 500: .+, not the booking API's 404: is booksim worker --stack ${stack} --api-port N serving it, on this endpoint\\?$`));
    } finally {
      await host.stop();
    }
  });

  it('fails the check against another server (the AWS endpoint itself) and a closed port', async () => {
    expect(await environmentError(checkBookingApi(fx.endpoint.url, 's'))).toMatch(/^the booking API at http:\/\/127\.0\.0\.1:\d+ answered GET \/bookings\/B0{20} with 400: .*not the booking API's 404/);
    const closed = await closedEndpoint();
    expect(await environmentError(checkBookingApi(closed, 's'))).toBe(`the booking API at ${closed} does not answer (ECONNREFUSED): is booksim worker --stack s --api-port N serving it, on this endpoint?`);
  });

  it('a port in use for the API is an environment error naming it', async () => {
    const stack = uniqueName('api-host-port');
    await deploy(stack);
    const port = Number(new URL(fx.endpoint.url).port);
    const error = await startWorkerHost({ endpoint: endpoint(), stack, functions: [], apiPort: port, concurrency: 1 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(BooksimError);
    expect((error as BooksimError).exitCode).toBe(ExitCode.environment);
    expect((error as BooksimError).message).toMatch(new RegExp(`^the booking API cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
  });
});
