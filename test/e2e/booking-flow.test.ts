import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { BookingServer } from '../../src/api/booking-server.js';
import { resolveEndpoint } from '../../src/aws/endpoint.js';
import { systemClock } from '../../src/clock.js';
import { deployStack } from '../../src/deploy/deploy.js';
import { bookingIdFor } from '../../src/functions/booking-api.js';
import { getBooking } from '../../src/functions/bookings.js';
import { type FunctionContext } from '../../src/functions/model.js';
import { finalStatuses, type BookingStatus } from '../../src/model/booking.js';
import { declineBookings } from '../../src/gateway/policies.js';
import type { Topology } from '../../src/model/topology.js';
import { startSystem, type RunningSystem } from '../../src/storm/system.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

const workerScript = fileURLToPath(new URL('../../dist/runtime/worker-main.js', import.meta.url));

/**
 * The whole system under test, as storm runs it: the stack deployed on the embedded
 * endpoint, the gateway, the booking API, and one worker process per function.
 */
// Worker processes and sagas take seconds; a loaded CI machine may stretch them.
describe('a booking flow through every part (workers as real processes)', { timeout: 120_000 }, () => {
  const fx = useEndpoint();
  const running: RunningSystem[] = [];
  afterEach(async () => {
    for (const system of running.splice(0)) await system.stop();
  });

  async function system(topology: Topology = 'fifo-fanout') {
    const stack = uniqueName('flow');
    await deployStack({ stack, topology, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const started = await startSystem({ endpoint: resolveEndpoint({ endpoint: fx.endpoint.url }, {}), stack, clock: systemClock, concurrency: 4, workerScript });
    running.push(started);
    const { context, api, gateway } = started;
    return { context, api, gateway, supervisor: started.supervisor, declined: (ids: string[]) => gateway.setPolicy(declineBookings(new Set(ids))) };
  }

  async function post(api: BookingServer, seatId: string, n: number): Promise<{ bookingId: string; status: BookingStatus }> {
    const response = await fetch(`${api.url}/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seatId, customerId: `c${n}`, requestId: `${seatId}-r${n}`, tier: 'STANDARD', amount: 4200 }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { bookingId: string; status: BookingStatus };
  }

  const book = async (api: BookingServer, seatId: string, n: number) => (await post(api, seatId, n)).bookingId;

  /** Waits (bounded) until every booking has a final status, and returns them. */
  async function decided(context: FunctionContext, ids: string[], timeoutMs = 30_000): Promise<BookingStatus[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const statuses = await Promise.all(ids.map(async (id) => (await getBooking(context, id))?.status ?? 'PENDING'));
      if (statuses.every((status) => finalStatuses.has(status))) return statuses;
      if (Date.now() > deadline) throw new Error(`not decided after ${timeoutMs} ms: ${statuses.join(', ')}`);
      await sleep(100);
    }
  }

  it('when three customers book each of two seats, the first in line gets each seat and pays once; the others are rejected', async () => {
    const { context, api, gateway } = await system();
    const bookings = { A: [] as string[], B: [] as string[] };
    for (let n = 1; n <= 3; n++) for (const seat of ['A', 'B'] as const) bookings[seat].push(await book(api, seat, n));
    for (const seat of ['A', 'B'] as const) {
      expect(await decided(context, bookings[seat])).toEqual(['CONFIRMED', 'REJECTED', 'REJECTED']);
    }
    const captures = gateway.ledger().filter((entry) => entry.outcome === 'captured');
    expect(captures.map((entry) => entry.bookingId).sort()).toEqual([bookings.A[0], bookings.B[0]].sort());
  });

  it('when the first in line is declined, the seat passes to the second, who pays; the first is not charged', async () => {
    const { context, api, gateway, declined } = await system();
    // Ids follow from request ids, so the decline is in place before the booking exists.
    declined([bookingIdFor('S-r1')]);
    const first = await book(api, 'S', 1);
    const second = await book(api, 'S', 2);
    const third = await book(api, 'S', 3);
    expect(await decided(context, [first, second, third])).toEqual(['PAYMENT_FAILED', 'CONFIRMED', 'REJECTED']);
    expect(gateway.ledger().filter((entry) => entry.outcome === 'captured').map((entry) => entry.bookingId)).toEqual([second]);
  });

  it('when the topology is direct-chain, no worker polls a queue, and each request answers with its decision, first come first served, the seat passing on after a decline', async () => {
    const { api, gateway, supervisor, declined } = await system('direct-chain');
    expect(supervisor.planned().map((entry) => entry.function)).not.toContain('inventory');
    expect(supervisor.planned().map((entry) => entry.function)).not.toContain('payment');
    declined([bookingIdFor('D-r1')]);
    // Sent together: each seat's requests take turns in the order they arrive, so the first sent is first in line.
    const answers = [post(api, 'D', 1)];
    for (let n = 2; n <= 3; n++) {
      await sleep(20);
      answers.push(post(api, 'D', n));
    }
    const [first, second, third] = await Promise.all(answers);
    expect([first!.status, second!.status, third!.status]).toEqual(['PAYMENT_FAILED', 'CONFIRMED', 'REJECTED']);
    expect(gateway.ledger().filter((entry) => entry.outcome === 'captured').map((entry) => entry.bookingId)).toEqual([second!.bookingId]);
  });
});
