import { ListExecutionsCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { executionArnOf, handlePayment } from '../../src/functions/payment.js';
import { getBookingView } from '../../src/functions/booking-api.js';
import { getSeat, markSeatSold, passSeat, placeOnSeat } from '../../src/functions/seats.js';
import { getBooking, setBookingStatus } from '../../src/functions/bookings.js';
import type { SharedReads } from '../../src/functions/model.js';
import { useFunctionStack } from './booking-fixture.js';

// 20-digit FIFO sequence numbers, beyond a double's precision, so that a lossy conversion shows.
const sequence = (n: number) => `1864728593302347${String(1000 + n)}`;

describe('payment function', () => {
  const st = useFunctionStack('pay');

  const executionsOf = async (bookingId: string) => {
    const { executions = [] } = await st.ctx.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: st.ctx.resources.stateMachineArn }));
    return executions.filter((e) => e.name === bookingId);
  };

  it('when the inventory decision is not recorded yet, it asks to retry shortly', async () => {
    const message = await st.pending(st.seat());
    expect(await handlePayment(st.record(message, '1'), st.ctx)).toEqual({ kind: 'retry', afterSeconds: 1 });
  });

  it('when the booking holds the seat, it becomes HELD with its sequence number and starts one saga however often the message comes', async () => {
    const [holder] = await st.seatWith(1);
    await setBookingStatus(st.ctx, holder!.bookingId, 'PENDING', { from: ['HELD'] });
    const first = await handlePayment(st.record(holder!, sequence(1)), st.ctx);
    const second = await handlePayment(st.record(holder!, sequence(1)), st.ctx);
    const executionArn = executionArnOf(st.ctx.resources.stateMachineArn, holder!.bookingId);
    expect(first).toEqual({ kind: 'in-saga', executionArn });
    expect(second).toEqual(first);
    expect(await getBooking(st.ctx, holder!.bookingId)).toMatchObject({ status: 'HELD', sequence: sequence(1) });
    expect(await executionsOf(holder!.bookingId)).toEqual([expect.objectContaining({ executionArn, status: 'RUNNING' })]);
  });

  it('when the group hold is sabotaged (no-group-hold), the holder is done as soon as its saga started, not in saga while it runs', async () => {
    const [holder] = await st.seatWith(1);
    const sabotaged = { ...st.ctx, sabotage: new Set(['no-group-hold'] as const) };
    expect(await handlePayment(st.record(holder!, '1'), sabotaged)).toEqual({ kind: 'done' });
    expect((await getBooking(st.ctx, holder!.bookingId))?.status).toBe('HELD');
    expect(await executionsOf(holder!.bookingId)).toEqual([expect.objectContaining({ status: 'RUNNING' })]);
    // Without the sabotage the same booking's message stays in saga: its group waits for the saga's end.
    expect(await handlePayment(st.record(holder!, '1'), st.ctx)).toEqual({ kind: 'in-saga', executionArn: executionArnOf(st.ctx.resources.stateMachineArn, holder!.bookingId) });
  });

  it('when the saga of the holder has ended, a redelivery finds it by name and is done without a second one', async () => {
    const [holder] = await st.seatWith(1);
    const started = await handlePayment(st.record(holder!, '1'), st.ctx);
    await st.ctx.clients.sfn.send(new StopExecutionCommand({ executionArn: started.kind === 'in-saga' ? started.executionArn : '' }));
    expect(await handlePayment(st.record(holder!, '1'), st.ctx)).toEqual({ kind: 'done' });
    expect(await executionsOf(holder!.bookingId)).toEqual([expect.objectContaining({ status: 'ABORTED' })]);
  });

  it('when a release promoted the booking but died before making it HELD, it becomes HELD and its saga starts', async () => {
    const [holder, waiting] = await st.seatWith(2);
    await passSeat(st.ctx, holder!.seatId, holder!.bookingId);
    expect(await handlePayment(st.record(waiting!, '2'), st.ctx)).toMatchObject({ kind: 'in-saga' });
    expect((await getBooking(st.ctx, waiting!.bookingId))?.status).toBe('HELD');
  });

  it('when the seat was sold to the holder, a booking in line is rejected with its sequence number, once, and stays in the line', async () => {
    const [holder, waiting, last] = await st.seatWith(3);
    await markSeatSold(st.ctx, holder!.seatId, holder!.bookingId);
    await setBookingStatus(st.ctx, holder!.bookingId, 'CONFIRMED', { from: ['HELD'] });
    expect(await handlePayment(st.record(holder!, '1'), st.ctx)).toEqual({ kind: 'done' });
    expect(await handlePayment(st.record(waiting!, sequence(2)), st.ctx)).toEqual({ kind: 'done' });
    const rejected = await getBooking(st.ctx, waiting!.bookingId);
    expect(await handlePayment(st.record(waiting!, sequence(2)), st.ctx)).toEqual({ kind: 'done' });
    expect(await getBooking(st.ctx, waiting!.bookingId)).toEqual(rejected);
    expect(rejected).toMatchObject({ status: 'REJECTED', sequence: sequence(2), reason: expect.stringContaining(holder!.bookingId), decidedAt: expect.any(Number) });
    expect(await getSeat(st.ctx, holder!.seatId)).toEqual({ seatId: holder!.seatId, holder: holder!.bookingId, line: [waiting!.bookingId, last!.bookingId], sold: true });
    expect(await executionsOf(waiting!.bookingId)).toEqual([]);
  });

  it('when the messages of a delivery share the seat read, it rejects on the shared read and reads afresh for anything else', async () => {
    // A delivery's reads as the worker keeps them (src/runtime/queue-poller.ts), counting the reads made through it.
    const reads: string[] = [];
    const made = new Map<string, Promise<unknown>>();
    const shared: SharedReads = {
      async once<T>(key: string, read: () => Promise<T>) {
        const fresh = !made.has(key);
        if (fresh) {
          reads.push(key);
          made.set(key, read());
        }
        return { value: (await made.get(key)) as T, fresh };
      },
    };
    const [holder, waiting, last] = await st.seatWith(3);
    await markSeatSold(st.ctx, holder!.seatId, holder!.bookingId);
    await setBookingStatus(st.ctx, holder!.bookingId, 'CONFIRMED', { from: ['HELD'] });
    expect(await handlePayment(st.record(waiting!, '2'), st.ctx, shared)).toEqual({ kind: 'done' });
    expect(await handlePayment(st.record(last!, '3'), st.ctx, shared)).toEqual({ kind: 'done' });
    expect(reads).toEqual([`seat ${holder!.seatId}`]);
    expect((await getBooking(st.ctx, last!.bookingId))?.status).toBe('REJECTED');

    // Read before the inventory function placed it; placed as holder since: the shared read is not trusted.
    const message = await st.pending(st.seat());
    expect(await handlePayment(st.record(message, '1'), st.ctx, shared)).toEqual({ kind: 'retry', afterSeconds: 1 });
    await placeOnSeat(st.ctx, message.seatId, message.bookingId);
    expect(await handlePayment(st.record(message, '1'), st.ctx, shared)).toMatchObject({ kind: 'in-saga' });
    expect(reads).toHaveLength(2);
  });

  it('when a waitlisted booking waits behind a holder whose saga has not settled, it asks to retry', async () => {
    const [, waiting] = await st.seatWith(2);
    expect(await handlePayment(st.record(waiting!, '2'), st.ctx)).toEqual({ kind: 'retry', afterSeconds: 2 });
    expect((await getBooking(st.ctx, waiting!.bookingId))?.status).toBe('PENDING');
    expect((await getBookingView(waiting!.bookingId, st.ctx))?.status).toBe('WAITLISTED');
  });

  it('when a record has no FIFO sequence number, it throws so that the queue redrives it', async () => {
    const [holder] = await st.seatWith(1);
    await expect(handlePayment({ ...st.record(holder!, '1'), attributes: {} }, st.ctx)).rejects.toThrow(/SequenceNumber/);
  });

  it('when the booking is final, it is done without starting a saga', async () => {
    const [holder] = await st.seatWith(1);
    await setBookingStatus(st.ctx, holder!.bookingId, 'PAYMENT_FAILED', { from: ['HELD'] });
    expect(await handlePayment(st.record(holder!, '1'), st.ctx)).toEqual({ kind: 'done' });
    expect(await executionsOf(holder!.bookingId)).toEqual([]);
  });
});
