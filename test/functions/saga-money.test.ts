import { GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { deployStack } from '../../src/deploy/deploy.js';
import { resolveResources } from '../../src/functions/resources.js';
import type { ActivityHandler, FunctionContext } from '../../src/functions/model.js';
import type { Booking, BookingStatus, SagaInput } from '../../src/model/booking.js';
import type { Sabotage } from '../../src/model/sabotage.js';
import { issueTicket } from '../../src/functions/saga/issue-ticket.js';
import { notify } from '../../src/functions/saga/notify.js';
import { refundPayment } from '../../src/functions/saga/refund-payment.js';
import { validatePayment } from '../../src/functions/saga/validate-payment.js';
import { startGateway, type Gateway } from '../../src/gateway/server.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';
import { createQueue, receive } from '../helpers/sqs.js';

/** What a saga task is given: the execution input with the results so far. */
type TaskInput = Parameters<ActivityHandler>[0];

describe('saga activities that take money, issue tickets and notify, run twice', () => {
  const fx = useEndpoint();
  let gateway: Gateway;
  let context: FunctionContext;
  let heartbeats = 0;
  const worker = () => ({ ...context, heartbeat: async () => void (heartbeats += 1) });

  beforeAll(async () => {
    gateway = await startGateway();
    const stack = uniqueName('money');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 4, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    context = { clients: fx.clients, clock: systemClock, resources: await resolveResources(fx.clients, stack, gateway.url) };
  });
  afterAll(() => gateway?.close());

  let bookings = 0;
  /** A saga input for a booking no other test uses. */
  const sagaInput = (): TaskInput => {
    bookings += 1;
    const bookingId = `b-${bookings}`;
    return { bookingId, seatId: `s-${bookings}`, customerId: 'c-1', requestId: `r-${bookings}`, tier: 'STANDARD', amount: 4200 };
  };
  const ledgerOf = (bookingId: string) => gateway.ledger().filter((e) => e.bookingId === bookingId);

  /** Puts the booking's row as the inventory function would have left it. */
  async function putBooking(input: SagaInput, status: BookingStatus): Promise<void> {
    const now = Date.now();
    const row: Booking = { ...input, status, sequence: String(bookings), createdAt: now, updatedAt: now };
    const Item = Object.fromEntries(Object.entries(row).map(([name, value]) => [name, typeof value === 'number' || name === 'sequence' ? { N: String(value) } : { S: String(value) }]));
    await fx.clients.dynamodb.send(new PutItemCommand({ TableName: context.resources.names.tables.bookings, Item }));
  }

  async function statusOf(bookingId: string): Promise<string | undefined> {
    const { Item } = await fx.clients.dynamodb.send(new GetItemCommand({ TableName: context.resources.names.tables.bookings, Key: { bookingId: { S: bookingId } }, ConsistentRead: true }));
    return Item?.status?.S;
  }

  it('when ValidatePayment runs twice, it returns the same charge and the ledger shows one capture', async () => {
    const input = sagaInput();
    const first = await validatePayment(input, worker());
    expect(first).toEqual({ chargeId: expect.stringMatching(/^ch_/), amount: 4200 });
    expect(await validatePayment(input, worker())).toEqual(first);
    expect(ledgerOf(input.bookingId).map((e) => [e.idempotencyKey, e.outcome])).toEqual([[`charge:${input.bookingId}`, 'captured']]);
  });

  it('when RefundPayment runs twice after a charge, the ledger shows one refund', async () => {
    const input = sagaInput();
    await validatePayment(input, worker());
    expect(await refundPayment(input, worker())).toEqual({ refund: 'refunded' });
    expect(await refundPayment(input, worker())).toEqual({ refund: 'refunded' });
    expect(ledgerOf(input.bookingId).map((e) => e.outcome)).toEqual(['captured', 'refunded']);
  });

  it('when RefundPayment runs twice for a booking never charged, it succeeds with nothing_to_refund and the second replays the first: one refund in the ledger', async () => {
    const input = sagaInput();
    expect(await refundPayment(input, worker())).toEqual({ refund: 'nothing_to_refund' });
    expect(await refundPayment(input, worker())).toEqual({ refund: 'nothing_to_refund' });
    expect(ledgerOf(input.bookingId).map((e) => [e.idempotencyKey, e.outcome])).toEqual([[`refund:${input.bookingId}`, 'nothing_to_refund']]);
  });

  it('under the sabotage refund-new-key, each RefundPayment sends a key of its own: a booking never charged gets two refunds, a charged one its money back once', async () => {
    const sabotaged = () => ({ ...worker(), sabotage: new Set<Sabotage>(['refund-new-key']) });
    const never = sagaInput();
    await refundPayment(never, sabotaged());
    await refundPayment(never, sabotaged());
    const refunds = ledgerOf(never.bookingId);
    expect(refunds.map((e) => e.outcome)).toEqual(['nothing_to_refund', 'nothing_to_refund']);
    expect(refunds.map((e) => e.idempotencyKey)).toEqual([expect.stringMatching(`^refund:${never.bookingId}:`), expect.stringMatching(`^refund:${never.bookingId}:`)]);
    expect(refunds[0]!.idempotencyKey).not.toBe(refunds[1]!.idempotencyKey);
    // The gateway refunds a charge once whatever the key, as payment providers do.
    const charged = sagaInput();
    await validatePayment(charged, worker());
    expect(await refundPayment(charged, sabotaged())).toEqual({ refund: 'refunded' });
    expect(await refundPayment(charged, sabotaged())).toEqual({ refund: 'already_refunded' });
    expect(ledgerOf(charged.bookingId).map((e) => e.outcome)).toEqual(['captured', 'refunded']);
  });

  it('when IssueTicket runs twice for a HELD booking, it heartbeats, issues one ticket and confirms the booking', async () => {
    const input = sagaInput();
    await putBooking(input, 'HELD');
    heartbeats = 0;
    const first = await issueTicket(input, worker());
    expect(heartbeats).toBeGreaterThanOrEqual(1);
    expect(await issueTicket(input, worker())).toEqual(first);
    expect(await statusOf(input.bookingId)).toBe('CONFIRMED');
    const { Items = [] } = await fx.clients.dynamodb.send(new ScanCommand({ TableName: context.resources.names.tables.tickets }));
    expect(Items.filter((item) => item.bookingId?.S === input.bookingId).map((item) => item.ticketId?.S)).toEqual([(first as { ticketId: string }).ticketId]);
  });

  it('when the worker dies between the ticket and the confirmation, the next attempt returns the same ticket and confirms', async () => {
    const input = sagaInput();
    await putBooking(input, 'HELD');
    let beats = 0;
    // The second heartbeat comes after the ticket write: failing it stands for the worker killed there.
    const dying = {
      ...context,
      heartbeat: async () => {
        beats += 1;
        if (beats === 2) throw new Error('killed');
      },
    };
    await expect(issueTicket(input, dying)).rejects.toThrow('killed');
    expect(await statusOf(input.bookingId)).toBe('HELD');
    expect(await issueTicket(input, worker())).toEqual({ ticketId: `tk_${input.bookingId}` });
    expect(await statusOf(input.bookingId)).toBe('CONFIRMED');
  });

  it('when IssueTicket finds the booking settled otherwise, it throws BookingNotHeld and leaves the status alone', async () => {
    const input = sagaInput();
    await putBooking(input, 'REJECTED');
    await expect(issueTicket(input, worker())).rejects.toMatchObject({ name: 'TaskError', error: 'BookingNotHeld', message: expect.stringContaining('REJECTED') });
    expect(await statusOf(input.bookingId)).toBe('REJECTED');
  });

  it('when Notify runs twice, the customer gets one message, and the record expires in 7 days', async () => {
    const queueUrl = await createQueue(fx.clients.sqs, uniqueName('notifications'));
    const { Attributes } = await fx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await fx.clients.sns.send(
      new SubscribeCommand({ TopicArn: context.resources.notificationsTopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn, Attributes: { RawMessageDelivery: 'true' } }),
    );
    const input = { ...sagaInput(), ticket: { ticketId: 'tk-1' } };
    const first = await notify(input, worker());
    expect(await notify(input, worker())).toEqual(first);

    const messages = await receive(fx.clients.sqs, queueUrl);
    expect(messages.map((m) => JSON.parse(m.Body!))).toEqual([
      { type: 'BookingConfirmed', notificationId: `notify:${input.bookingId}`, bookingId: input.bookingId, customerId: 'c-1', seatId: input.seatId, amount: 4200, ticketId: 'tk-1' },
    ]);
    const { Item } = await fx.clients.dynamodb.send(new GetItemCommand({ TableName: context.resources.names.tables.idempotency, Key: { key: { S: `notify:${input.bookingId}` } } }));
    const week = 7 * 24 * 3600;
    expect(Number(Item?.expiresAt?.N) - Date.now() / 1000).toBeGreaterThan(week - 60);
    expect(Number(Item?.expiresAt?.N) - Date.now() / 1000).toBeLessThanOrEqual(week);
  });
});
