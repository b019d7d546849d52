import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBookingServer, type BookingServer } from '../../src/api/booking-server.js';
import { systemClock } from '../../src/clock.js';
import { deployStack } from '../../src/deploy/deploy.js';
import { resolveResources } from '../../src/functions/resources.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

describe('the booking API over HTTP', () => {
  const fx = useEndpoint();
  let server: BookingServer;

  beforeAll(async () => {
    const stack = uniqueName('api');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const resources = await resolveResources(fx.clients, stack, 'http://127.0.0.1:9');
    server = await startBookingServer({ clients: fx.clients, resources, clock: systemClock });
  });
  afterAll(() => server?.close());

  const post = (body: string) => fetch(`${server.url}/bookings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const request = { seatId: 'A1', customerId: 'c1', requestId: 'r1', tier: 'STANDARD', amount: 5000 };

  it('when a booking is posted, it answers 202 with a bookingId, and a retry gets the same one', async () => {
    const first = await post(JSON.stringify(request));
    expect(first.status).toBe(202);
    const { bookingId } = (await first.json()) as { bookingId: string };
    const again = (await (await post(JSON.stringify(request))).json()) as { bookingId: string };
    expect(again.bookingId).toBe(bookingId);
    const view = await fetch(`${server.url}/bookings/${bookingId}`);
    expect(view.status).toBe(200);
    expect(await view.json()).toMatchObject({ bookingId, seatId: 'A1', status: 'PENDING' });
  });

  it.each([
    ['not JSON', '{seat', 400],
    ['an invalid booking', JSON.stringify({ ...request, requestId: 'r2', amount: -1 }), 400],
  ])('when the body is %s, it answers %i and keeps serving', async (_case, body, status) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: 'InvalidRequest' });
  });

  it('when a booking or a path does not exist, it answers 404', async () => {
    expect((await fetch(`${server.url}/bookings/B-nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/seats`)).status).toBe(404);
  });
});
