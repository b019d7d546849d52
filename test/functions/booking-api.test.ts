import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { findQueueUrl } from '../../src/deploy/lookup.js';
import type { StreamQueue } from '../../src/deploy/stack.js';
import { BooksimError } from '../../src/errors.js';
import { bookingIdFor, createBooking, getBookingView, ValidationError } from '../../src/functions/booking-api.js';
import { handleInventory } from '../../src/functions/inventory.js';
import { handlePayment } from '../../src/functions/payment.js';
import type { BookingRequest } from '../../src/model/booking.js';
import type { Sabotage } from '../../src/model/sabotage.js';
import { resolveResources } from '../../src/functions/resources.js';
import { getBooking } from '../../src/functions/bookings.js';
import { receive } from '../helpers/sqs.js';
import { useFunctionStack } from './booking-fixture.js';

describe('booking API', () => {
  const st = useFunctionStack('api');
  const request = (seatId: string, requestId: string): BookingRequest => ({ seatId, customerId: 'c1', requestId, tier: 'VIP', amount: 1500 });
  const queueUrl = async (name: string) => (await findQueueUrl(st.fx.clients, name))!;

  it('when the same request comes twice, it answers the same booking, stores one row and each queue gets one message', async () => {
    const seatId = st.seat();
    const first = await createBooking(request(seatId, 'api-retry-1'), st.ctx);
    const second = await createBooking(request(seatId, 'api-retry-1'), st.ctx);
    expect(first).toEqual({ bookingId: bookingIdFor('api-retry-1'), status: 'PENDING' });
    expect(second).toEqual(first);
    const { Items = [] } = await st.fx.clients.dynamodb.send(
      new ScanCommand({ TableName: st.ctx.resources.names.tables.bookings, ConsistentRead: true, FilterExpression: 'seatId = :seat', ExpressionAttributeValues: { ':seat': { S: seatId } } }),
    );
    expect(Items.map((item) => item.bookingId?.S)).toEqual([first.bookingId]);
    const { names } = st.ctx.resources;
    for (const { name: queue } of names.streamQueues) {
      const messages = await receive(st.fx.clients.sqs, await queueUrl(queue));
      expect(messages.map((m) => [JSON.parse(m.Body!), m.Attributes?.MessageGroupId])).toEqual([[{ bookingId: first.bookingId, ...request(seatId, 'api-retry-1') }, seatId]]);
    }
  });

  it('under the sabotage new-id-per-attempt, the same request twice becomes two bookings of fresh ids, each published to every queue', async () => {
    const seatId = st.seat();
    const sabotaged = { ...st.ctx, sabotage: new Set<Sabotage>(['new-id-per-attempt']) };
    const first = await createBooking(request(seatId, 'api-sab-1'), sabotaged);
    const second = await createBooking(request(seatId, 'api-sab-1'), sabotaged);
    expect([first.bookingId, second.bookingId]).toEqual([expect.stringMatching(/^B[0-9a-f]{20}$/), expect.stringMatching(/^B[0-9a-f]{20}$/)]);
    expect(new Set([first.bookingId, second.bookingId, bookingIdFor('api-sab-1')]).size).toBe(3);
    const { Items = [] } = await st.fx.clients.dynamodb.send(
      new ScanCommand({ TableName: st.ctx.resources.names.tables.bookings, ConsistentRead: true, FilterExpression: 'seatId = :seat', ExpressionAttributeValues: { ':seat': { S: seatId } } }),
    );
    expect(Items.map((item) => [item.bookingId?.S, item.requestId?.S]).sort()).toEqual([first.bookingId, second.bookingId].sort().map((bookingId) => [bookingId, 'api-sab-1']));
    // A deduplication id of its own per attempt: SNS FIFO passes the second publish on too.
    for (const { name: queue } of st.ctx.resources.names.streamQueues) {
      const messages = (await receive(st.fx.clients.sqs, await queueUrl(queue))).filter((m) => m.Attributes?.MessageGroupId === seatId);
      expect(messages.map((m) => (JSON.parse(m.Body!) as { bookingId: string }).bookingId)).toEqual([first.bookingId, second.bookingId]);
    }
  });

  it('when its messages reach the inventory and payment functions through the queues, the booking is HELD with the payment queue’s sequence number', async () => {
    const seatId = st.seat();
    const { bookingId } = await createBooking(request(seatId, 'api-flow-1'), st.ctx);
    const { names } = st.ctx.resources;
    const recordFrom = async (queue: string) => {
      const [message] = (await receive(st.fx.clients.sqs, await queueUrl(queue))).filter((m) => m.Attributes?.MessageGroupId === seatId);
      return { messageId: message!.MessageId!, receiptHandle: message!.ReceiptHandle!, body: message!.Body!, attributes: message!.Attributes! };
    };
    const [inventory, payment] = names.streamQueues as [StreamQueue, StreamQueue];
    await handleInventory(await recordFrom(inventory.name), st.ctx);
    expect(await getBookingView(bookingId, st.ctx)).toMatchObject({ bookingId, status: 'HELD' });
    expect(await getBooking(st.ctx, bookingId)).toMatchObject({ bookingId, status: 'PENDING' });
    const paymentRecord = await recordFrom(payment.name);
    await handlePayment(paymentRecord, st.ctx);
    const booking = await getBooking(st.ctx, bookingId);
    expect(booking).toMatchObject({ bookingId, status: 'HELD' });
    // DynamoDB gives numbers back in canonical form: the queue's zero padding goes, the value stays.
    expect(BigInt(booking!.sequence!)).toBe(BigInt(paymentRecord.attributes.SequenceNumber!));
  });

  it('when a request is malformed, it refuses it with a ValidationError and stores nothing', async () => {
    const good = request(st.seat(), 'api-bad-1');
    const bad: Array<[string, unknown]> = [
      ['seatId', ''],
      ['customerId', 7],
      ['requestId', 'has space'],
      ['tier', 'GOLD'],
      ['amount', 0],
      ['amount', 12.5],
    ];
    for (const [field, value] of bad) {
      await expect(createBooking({ ...good, [field]: value } as BookingRequest, st.ctx), `${field} = ${String(value)}`).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await getBooking(st.ctx, bookingIdFor('api-bad-1'))).toBeUndefined();
  });

  it('when a requestId is reused for another seat, it refuses the second request', async () => {
    await createBooking(request(st.seat(), 'api-reuse-1'), st.ctx);
    await expect(createBooking(request(st.seat(), 'api-reuse-1'), st.ctx)).rejects.toThrow(/already used/);
  });

  it('when a booking is looked up by an id that is not one, it answers undefined', async () => {
    expect(await getBookingView('nope', st.ctx)).toBeUndefined();
    expect(await getBookingView(bookingIdFor('never-sent'), st.ctx)).toBeUndefined();
  });

  it('when the stack is not deployed, resolving its resources fails with a BooksimError that names the fix', async () => {
    const failure = await resolveResources(st.fx.clients, 'never-deployed', 'http://127.0.0.1:9').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BooksimError);
    expect(failure).toMatchObject({ message: expect.stringContaining('never-deployed-bookings.fifo'), suggestions: [expect.stringContaining('booksim deploy')] });
  });
});
