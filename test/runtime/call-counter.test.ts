import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { ListActivitiesCommand } from '@aws-sdk/client-sfn';
import { setImmediate as yieldTurn } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { addBookingCalls, addCallCounts, bookingIdIn, countCalls, withBooking } from '../../src/runtime/call-counter.js';
import { useEndpoint } from '../helpers/endpoint.js';

const fixture = useEndpoint();

/** Fresh clients on the endpoint with a counter on them; destroyed after the test. */
function countedClients() {
  const clients = createClients({ endpoint: fixture.endpoint.url });
  onTestFinished(() => clients.destroy());
  return { clients, counter: countCalls(clients) };
}

describe('countCalls', () => {
  it('when calls are made through the clients, it counts them by service and operation', async () => {
    const { clients, counter } = countedClients();
    await clients.sqs.send(new ListQueuesCommand({}));
    await clients.sqs.send(new ListQueuesCommand({}));
    await clients.sfn.send(new ListActivitiesCommand({}));
    expect(counter.snapshot()).toEqual({ sqs: { ListQueues: 2 }, sfn: { ListActivities: 1 }, sns: {}, dynamodb: {} });
  });

  it('when calls are made inside withBooking, they are attributed to that booking; outside, to none', async () => {
    const { clients, counter } = countedClients();
    await clients.sqs.send(new ListQueuesCommand({}));
    await withBooking('B1', async () => {
      await clients.sqs.send(new ListQueuesCommand({}));
      // A timer started in the scope keeps it, as an activity's automatic heartbeats do.
      await new Promise<void>((resolve) => setTimeout(() => void clients.sfn.send(new ListActivitiesCommand({})).then(() => resolve()), 5));
    });
    await withBooking(undefined, () => clients.sqs.send(new ListQueuesCommand({})));
    expect(counter.byBooking()).toEqual({ B1: 2 });
    expect(counter.snapshot()).toMatchObject({ sqs: { ListQueues: 3 }, sfn: { ListActivities: 1 } });
  });

  it("when two bookings' flows interleave on the same clients, each gets its own calls", async () => {
    const { clients, counter } = countedClients();
    const order: string[] = [];
    const flow = (bookingId: string, calls: number) =>
      withBooking(bookingId, async () => {
        for (let i = 0; i < calls; i += 1) {
          order.push(bookingId);
          await clients.sqs.send(new ListQueuesCommand({}));
          await yieldTurn();
        }
      });
    await Promise.all([flow('A', 3), flow('B', 2), clients.sfn.send(new ListActivitiesCommand({}))]);
    // Both flows were in flight at once: B started before A's last call.
    expect(order.indexOf('B')).toBeLessThan(order.lastIndexOf('A'));
    expect(counter.byBooking()).toEqual({ A: 3, B: 2 });
  });

  it('when a JSON text has a string bookingId, it is found; anything else gives none', () => {
    expect(bookingIdIn('{"bookingId":"B1","seatId":"S1"}')).toBe('B1');
    for (const text of ['a1', '', 'null', '42', '{"bookingId":7}', '{}']) expect(bookingIdIn(text)).toBeUndefined();
  });

  it('when per-booking calls are added, it sums them per booking', () => {
    expect(addBookingCalls({ A: 2, B: 1 }, { B: 3, C: 1 }, {})).toEqual({ A: 2, B: 4, C: 1 });
  });

  it('when counts are added, it sums them per service and operation', () => {
    expect(addCallCounts({ sqs: { ReceiveMessage: 2 } }, { sqs: { ReceiveMessage: 1, DeleteMessageBatch: 1 }, sfn: { StartExecution: 1 } })).toEqual({
      sqs: { ReceiveMessage: 3, DeleteMessageBatch: 1 },
      sfn: { StartExecution: 1 },
    });
  });
});
