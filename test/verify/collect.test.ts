import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetActivityTaskCommand, SendTaskFailureCommand, SendTaskSuccessCommand, StopExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { findActivityArn, findQueueUrl } from '../../src/deploy/lookup.js';
import type { StreamQueue } from '../../src/deploy/stack.js';
import { BooksimError, ExitCode } from '../../src/errors.js';
import { bookingIdFor } from '../../src/functions/booking-api.js';
import type { FunctionContext } from '../../src/functions/model.js';
import type { BookingMessage } from '../../src/model/booking.js';
import { markSeatSold, placeOnSeat } from '../../src/functions/seats.js';
import { putPendingBooking, setBookingStatus } from '../../src/functions/bookings.js';
import { collectStackEvidence, sagaTimeline, timelineOfHistory } from '../../src/verify/collect.js';
import { finished, start } from '../helpers/sfn.js';
import { receive, sendFifo } from '../helpers/sqs.js';
import { useFreshStacks } from '../storm/fresh-stack.js';

describe('collecting the evidence of a stack', () => {
  const { fx, deployed } = useFreshStacks('collect');

  let requests = 0;
  const message = (seatId: string): BookingMessage => {
    requests += 1;
    const requestId = `run1-r${requests}`;
    return { bookingId: bookingIdFor(requestId), seatId, customerId: `c${requests}`, requestId, tier: 'VIP', amount: 4200 };
  };

  /** Books the seat for `count` bookings, as the functions would leave it once the first bought it and the rest were rejected. */
  async function soldSeat(ctx: FunctionContext, seatId: string, count: number): Promise<BookingMessage[]> {
    const bookings = Array.from({ length: count }, () => message(seatId));
    for (const [i, booking] of bookings.entries()) {
      await putPendingBooking(ctx, booking);
      await placeOnSeat(ctx, seatId, booking.bookingId);
      await setBookingStatus(ctx, booking.bookingId, i === 0 ? 'CONFIRMED' : 'REJECTED', { from: ['PENDING'], sequence: String(10 + i) });
    }
    await markSeatSold(ctx, seatId, bookings[0]!.bookingId);
    const ticket = { bookingId: { S: bookings[0]!.bookingId }, ticketId: { S: `tk_${bookings[0]!.bookingId}` }, seatId: { S: seatId }, issuedAt: { N: '1800000000000' } };
    await ctx.clients.dynamodb.send(new PutItemCommand({ TableName: ctx.resources.names.tables.tickets, Item: ticket }));
    return bookings;
  }

  const sorted = (ids: string[]) => [...ids].sort();
  /** The stack's name: every resource name begins with it. */
  const stackOf = (ctx: FunctionContext) => ctx.resources.names.stateMachine.replace(/-saga$/, '');

  it('when the stack holds bookings, seats, tickets, executions and messages, it reads every one of them', async () => {
    const ctx = await deployed();
    const { names, stateMachineArn } = ctx.resources;
    const a = await soldSeat(ctx, 'A1', 3);
    const b = await soldSeat(ctx, 'B7', 2);
    // A booking placed on a seat still held: PENDING, in line.
    const waiting = message('C3');
    await putPendingBooking(ctx, waiting);
    await placeOnSeat(ctx, 'C3', waiting.bookingId);

    // No workers run: one execution stays RUNNING, the other is stopped.
    const running = await start(ctx.clients.sfn, stateMachineArn, a[0]!, a[0]!.bookingId);
    const stopped = await start(ctx.clients.sfn, stateMachineArn, b[0]!, b[0]!.bookingId);
    await ctx.clients.sfn.send(new StopExecutionCommand({ executionArn: stopped, error: 'Test' }));

    // One message left in the payment DLQ, one received from the inventory queue and not deleted.
    const { sqs } = ctx.clients;
    const [inventory, payment] = names.streamQueues as [StreamQueue, StreamQueue];
    await sendFifo(sqs, (await findQueueUrl(ctx.clients, payment.dlq))!, 'A1', 'dead');
    const inventoryUrl = (await findQueueUrl(ctx.clients, inventory.name))!;
    await sendFifo(sqs, inventoryUrl, 'C3', 'taken');
    expect(await receive(sqs, inventoryUrl)).toHaveLength(1);

    const evidence = await collectStackEvidence(ctx.clients, stackOf(ctx));

    expect(evidence.bookings.map((booking) => booking.bookingId)).toEqual(sorted([...a, ...b, waiting].map((booking) => booking.bookingId)));
    expect(evidence.bookings.find((booking) => booking.bookingId === a[1]!.bookingId)).toMatchObject({
      ...a[1],
      status: 'REJECTED',
      sequence: '11',
    });
    expect(evidence.bookings.find((booking) => booking.bookingId === waiting.bookingId)).toMatchObject({ status: 'PENDING' });
    expect(evidence.bookings.find((booking) => booking.bookingId === a[0]!.bookingId)!.decidedAt).toBeGreaterThan(0);

    expect(evidence.seats).toEqual([
      { seatId: 'A1', holder: a[0]!.bookingId, line: a.slice(1).map((x) => x.bookingId), sold: true, seen: expect.arrayContaining(a.map((x) => x.bookingId)) },
      { seatId: 'B7', holder: b[0]!.bookingId, line: [b[1]!.bookingId], sold: true, seen: expect.arrayContaining(b.map((x) => x.bookingId)) },
      { seatId: 'C3', holder: waiting.bookingId, line: [], sold: false, seen: [waiting.bookingId] },
    ]);
    expect(evidence.seats[0]!.seen).toHaveLength(3);

    expect(evidence.tickets).toEqual(
      sorted([a[0]!.bookingId, b[0]!.bookingId]).map((bookingId) => ({ bookingId, ticketId: `tk_${bookingId}`, seatId: bookingId === a[0]!.bookingId ? 'A1' : 'B7', issuedAt: 1_800_000_000_000 })),
    );

    const byName = Object.fromEntries(evidence.executions.map((execution) => [execution.name, execution]));
    expect(evidence.executions).toHaveLength(2);
    expect(byName[a[0]!.bookingId]).toMatchObject({ executionArn: running, status: 'RUNNING' });
    expect(byName[a[0]!.bookingId]!.stopDate).toBeUndefined();
    expect(byName[b[0]!.bookingId]).toMatchObject({ executionArn: stopped, status: 'ABORTED' });
    expect(byName[b[0]!.bookingId]!.stopDate).toBeGreaterThanOrEqual(byName[b[0]!.bookingId]!.startDate);
    expect(Math.abs(byName[a[0]!.bookingId]!.startDate - Date.now())).toBeLessThan(60_000);

    expect(evidence.queues).toEqual([
      { name: inventory.name, deadLetter: false, visible: 0, inFlight: 1 },
      { name: inventory.dlq, deadLetter: true, visible: 0, inFlight: 0 },
      { name: payment.name, deadLetter: false, visible: 0, inFlight: 0 },
      { name: payment.dlq, deadLetter: true, visible: 1, inFlight: 0 },
    ]);
  });

  it('when a saga of the run’s bookings failed, it reads the error it failed with; one of another run’s is not described', async () => {
    const ctx = await deployed();
    const { sfn } = ctx.clients;
    const ours = message('D1');
    const theirs = { ...message('D2'), requestId: 'run0-r1', bookingId: bookingIdFor('run0-r1') };
    const answer = async (task: 'ValidatePayment' | 'ReleaseSeat', reply: { error: string } | { output: object }) => {
      const { taskToken } = await sfn.send(new GetActivityTaskCommand({ activityArn: (await findActivityArn(ctx.clients, ctx.resources.names.activities[task]))! }));
      if ('error' in reply) await sfn.send(new SendTaskFailureCommand({ taskToken, error: reply.error, cause: 'test' }));
      else await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(reply.output) }));
    };
    const executions: string[] = [];
    for (const booking of [ours, theirs]) {
      await putPendingBooking(ctx, booking);
      executions.push(await start(sfn, ctx.resources.stateMachineArn, booking, booking.bookingId));
      await answer('ValidatePayment', { error: 'PaymentDeclined' });
      await answer('ReleaseSeat', { output: { released: true } });
    }
    for (const executionArn of executions) expect((await finished(sfn, executionArn)).status).toBe('FAILED');

    const evidence = await collectStackEvidence(ctx.clients, stackOf(ctx), 'run1-');
    expect(evidence.executions.find((execution) => execution.name === ours.bookingId)).toMatchObject({ status: 'FAILED', error: 'PaymentDeclined' });
    expect(evidence.executions.find((execution) => execution.name === theirs.bookingId)).not.toHaveProperty('error');
  });

  it('when no such stack is deployed, it says so with exit code 4 and how to deploy it', async () => {
    const error = await collectStackEvidence(fx.clients, 'nowhere').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BooksimError);
    expect(error).toMatchObject({ exitCode: ExitCode.environment, suggestions: ['Run `booksim deploy --stack nowhere` first.'] });
    expect((error as Error).message).toMatch(/^stack "nowhere" is not deployed on this endpoint \(missing: .*nowhere-saga.*nowhere-bookings/);
  });

  it('when the stack is empty, every part is empty; when a dead-letter queue is then deleted, it names it as missing', async () => {
    const ctx = await deployed();
    const { names } = ctx.resources;
    const stack = stackOf(ctx);
    const evidence = await collectStackEvidence(ctx.clients, stack);
    expect(evidence).toMatchObject({ bookings: [], seats: [], tickets: [], executions: [] });
    expect(evidence.queues.map(({ visible, inFlight }) => visible + inFlight)).toEqual([0, 0, 0, 0]);

    const paymentDlq = names.streamQueues[1]!.dlq;
    await ctx.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: (await findQueueUrl(ctx.clients, paymentDlq))! }));
    const error = await collectStackEvidence(ctx.clients, stack).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: ExitCode.environment, message: `stack "${stack}" is not deployed on this endpoint (missing: ${paymentDlq})` });
  });
});

describe('the saga time line of a booking', () => {
  const { deployed } = useFreshStacks('timeline');

  it('when the payment fails, is retried, is declined and the seat released, it lists the steps, failures and retry in order', async () => {
    const ctx = await deployed();
    const { sfn } = ctx.clients;
    const activity = async (task: 'ValidatePayment' | 'ReleaseSeat') => (await findActivityArn(ctx.clients, ctx.resources.names.activities[task]))!;
    const answer = async (task: 'ValidatePayment' | 'ReleaseSeat', reply: { error: string } | { output: object }) => {
      const { taskToken } = await sfn.send(new GetActivityTaskCommand({ activityArn: await activity(task) }));
      if ('error' in reply) await sfn.send(new SendTaskFailureCommand({ taskToken, error: reply.error, cause: 'test' }));
      else await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(reply.output) }));
    };
    const bookingId = bookingIdFor('timeline-r1');
    const input = { bookingId, seatId: 'S1', customerId: 'c1', requestId: 'timeline-r1', tier: 'STANDARD', amount: 4200 };
    const executionArn = await start(sfn, ctx.resources.stateMachineArn, input, bookingId);
    await answer('ValidatePayment', { error: 'GatewayError' });
    // The fast profile retries after 1 s.
    await answer('ValidatePayment', { error: 'PaymentDeclined' });
    await answer('ReleaseSeat', { output: { released: true } });
    await finished(sfn, executionArn);

    const timeline = await sagaTimeline(ctx.clients, executionArn);
    expect(timeline.map((event) => event.what)).toEqual([
      'saga: execution started',
      'saga: ValidatePayment entered',
      'saga: ValidatePayment failed: GatewayError',
      'saga: ValidatePayment retried (attempt 2)',
      'saga: ValidatePayment failed: PaymentDeclined',
      'saga: ReleaseSeat entered',
      'saga: execution failed: PaymentDeclined',
    ]);
    expect(timeline.every((event) => event.bookingId === bookingId)).toBe(true);
    const times = timeline.map((event) => event.at!);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(Math.abs(times[0]! - Date.now())).toBeLessThan(60_000);
    // The retry waited its interval.
    expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(900);
  });

  it('when a step times out and the execution is aborted or times out, it says so', () => {
    const at = (s: number) => new Date(1_800_000_000_000 + s * 1000);
    const history: HistoryEvent[] = [
      { id: 1, type: 'ExecutionStarted', timestamp: at(0) },
      { id: 2, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'IssueTicket' } },
      { id: 3, type: 'ActivityScheduled', timestamp: at(1), activityScheduledEventDetails: { resource: 'arn' } },
      { id: 4, type: 'ActivityStarted', timestamp: at(2) },
      { id: 5, type: 'ActivityTimedOut', timestamp: at(4), activityTimedOutEventDetails: { error: 'States.HeartbeatTimeout' } },
      { id: 6, type: 'ActivityScheduled', timestamp: at(5), activityScheduledEventDetails: { resource: 'arn' } },
      { id: 7, type: 'TaskStateExited', timestamp: at(6), stateExitedEventDetails: { name: 'IssueTicket' } },
      { id: 8, type: 'TaskStateEntered', timestamp: at(6), stateEnteredEventDetails: { name: 'EscalateRefund' } },
      { id: 9, type: 'TaskScheduled', timestamp: at(6), taskScheduledEventDetails: { resource: 'sendMessage', resourceType: 'sqs', region: 'r', parameters: '{}' } },
      { id: 10, type: 'TaskFailed', timestamp: at(7), taskFailedEventDetails: { resource: 'sendMessage', resourceType: 'sqs', error: 'SQS.Throttling' } },
      { id: 11, type: 'ExecutionAborted', timestamp: at(8), executionAbortedEventDetails: {} },
      { id: 12, type: 'ExecutionTimedOut', timestamp: at(9), executionTimedOutEventDetails: { error: 'States.Timeout' } },
    ];
    expect(timelineOfHistory(history, 'B1')).toEqual([
      { at: at(0).getTime(), bookingId: 'B1', what: 'saga: execution started' },
      { at: at(1).getTime(), bookingId: 'B1', what: 'saga: IssueTicket entered' },
      { at: at(4).getTime(), bookingId: 'B1', what: 'saga: IssueTicket timed out: States.HeartbeatTimeout' },
      { at: at(5).getTime(), bookingId: 'B1', what: 'saga: IssueTicket retried (attempt 2)' },
      { at: at(6).getTime(), bookingId: 'B1', what: 'saga: EscalateRefund entered' },
      { at: at(7).getTime(), bookingId: 'B1', what: 'saga: EscalateRefund failed: SQS.Throttling' },
      { at: at(8).getTime(), bookingId: 'B1', what: 'saga: execution aborted' },
      { at: at(9).getTime(), bookingId: 'B1', what: 'saga: execution timed out: States.Timeout' },
    ]);
  });

  it('when a Parallel state’s branches interleave their tasks, their failures and retries are named after the Parallel, and no first attempt counts as a retry', () => {
    const at = (s: number) => new Date(1_800_000_000_000 + s * 1000);
    const history: HistoryEvent[] = [
      { id: 1, type: 'ExecutionStarted', timestamp: at(0) },
      { id: 2, type: 'ParallelStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'FastPath' } },
      { id: 3, type: 'ParallelStateStarted', timestamp: at(1) },
      { id: 4, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'FastValidatePayment' } },
      { id: 5, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'FastReserveSeat' } },
      { id: 6, type: 'ActivityScheduled', timestamp: at(1), activityScheduledEventDetails: { resource: 'pay' } },
      { id: 7, type: 'ActivityScheduled', timestamp: at(1), activityScheduledEventDetails: { resource: 'seat' } },
      { id: 8, type: 'ActivityTimedOut', timestamp: at(3), activityTimedOutEventDetails: { error: 'States.HeartbeatTimeout' } },
      { id: 9, type: 'ActivityScheduled', timestamp: at(4), activityScheduledEventDetails: { resource: 'seat' } },
      { id: 10, type: 'ActivityFailed', timestamp: at(5), activityFailedEventDetails: { error: 'PaymentDeclined' } },
      { id: 11, type: 'ParallelStateFailed', timestamp: at(5) },
      { id: 12, type: 'TaskStateEntered', timestamp: at(5), stateEnteredEventDetails: { name: 'ReleaseSeat' } },
      { id: 13, type: 'ActivityScheduled', timestamp: at(5), activityScheduledEventDetails: { resource: 'release' } },
      { id: 14, type: 'ExecutionFailed', timestamp: at(6), executionFailedEventDetails: { error: 'PaymentDeclined' } },
    ];
    expect(timelineOfHistory(history, 'B1').map((event) => event.what)).toEqual([
      'saga: execution started',
      'saga: FastPath entered',
      'saga: FastValidatePayment entered',
      'saga: FastReserveSeat entered',
      'saga: FastPath timed out: States.HeartbeatTimeout',
      'saga: FastPath retried (attempt 2)',
      'saga: FastPath failed: PaymentDeclined',
      'saga: ReleaseSeat entered',
      'saga: execution failed: PaymentDeclined',
    ]);
  });
});
