import { DescribeExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { deployStack } from '../../src/deploy/deploy.js';
import { findActivityArn } from '../../src/deploy/lookup.js';
import { sagaTasks, timingProfile, type SagaTask } from '../../src/deploy/saga-profiles.js';
import { chargeBooking, sagaGatewayTimeoutMs } from '../../src/functions/gateway-client.js';
import type { FunctionContext } from '../../src/functions/model.js';
import type { BookingMessage, SagaInput } from '../../src/model/booking.js';
import { executionArnOf, handlePayment, sagaInput } from '../../src/functions/payment.js';
import { reconcile, type ReconcileReport } from '../../src/functions/reconciler.js';
import { functionRegistry } from '../../src/functions/registry.js';
import { resolveResources } from '../../src/functions/resources.js';
import { releaseSeat } from '../../src/functions/saga/release-seat.js';
import { getSeat } from '../../src/functions/seats.js';
import { getBooking } from '../../src/functions/bookings.js';
import type { FaultPolicy } from '../../src/gateway/fault-policy.js';
import { startGateway, type Gateway } from '../../src/gateway/server.js';
import { pollActivity } from '../../src/runtime/activity-poller.js';
import { collectStackEvidence } from '../../src/verify/collect.js';
import { exactlyOnceEffects } from '../../src/verify/invariants/exactly-once-effects.js';
import { uniqueName } from '../helpers/endpoint.js';
import { finished } from '../helpers/sfn.js';
import { useFunctionStack } from './booking-fixture.js';

const stuckAfterMs = 5000;
const options = { stuckAfterMs, maxAttempts: 2 };
/** Refunds never answer (and are not applied): the gateway's refund endpoint is down. */
const refundsHang: FaultPolicy = (request) => (request.kind === 'refund' ? { type: 'hang', applied: false } : undefined);

describe('reconciler', () => {
  const st = useFunctionStack('rec');
  let gateway: Gateway;
  let stack: string;
  let clock: ManualClock;

  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(() => gateway?.close());

  /**
   * A stack of the test's own (a pass reads every booking of its stack), made the
   * fixture's context so that its helpers book on it, with the gateway and a manual
   * clock: the reconciler's thresholds move only when the test says so.
   */
  async function freshStack(sabotage?: 'new-key-on-retry'): Promise<FunctionContext> {
    stack = uniqueName('rec');
    const { fx } = st;
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 4, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    clock = new ManualClock(Date.now());
    gateway.setPolicy(undefined);
    st.ctx = { clients: fx.clients, clock, resources: await resolveResources(fx.clients, stack, gateway.url), ...(sabotage ? { sabotage: new Set([sabotage]) } : {}) };
    return st.ctx;
  }

  /** A new seat booked by `count` bookings; the first holds it, is HELD and its saga (execution `<bookingId>`) runs. */
  async function heldWithSaga(count = 1): Promise<BookingMessage[]> {
    const bookings = await st.seatWith(count);
    expect(await handlePayment(st.record(bookings[0]!, '1'), st.ctx)).toMatchObject({ kind: 'in-saga' });
    return bookings;
  }

  const arnOf = (name: string) => executionArnOf(st.ctx.resources.stateMachineArn, name);
  const stop = (name: string) => st.ctx.clients.sfn.send(new StopExecutionCommand({ executionArn: arnOf(name) }));
  const describeExecution = (name: string) => st.ctx.clients.sfn.send(new DescribeExecutionCommand({ executionArn: arnOf(name) }));
  const pass = (ctx: FunctionContext = st.ctx, maxAttempts = options.maxAttempts): Promise<ReconcileReport> => reconcile(ctx, { stuckAfterMs, maxAttempts });
  const past = () => clock.advance(stuckAfterMs + 1);
  const ledgerOf = (bookingId: string) => gateway.ledger().filter((entry) => entry.bookingId === bookingId);
  const capturesOf = (bookingId: string) => ledgerOf(bookingId).filter((entry) => entry.outcome === 'captured');

  /** Runs the saga's activities in-process on the test's stack, as the runtime's workers would, until the returned function stops them. */
  async function workers(tasks: readonly SagaTask[] = sagaTasks): Promise<() => Promise<void>> {
    const ctx = st.ctx;
    const controller = new AbortController();
    const arns = await Promise.all(tasks.map((task) => findActivityArn(ctx.clients, ctx.resources.names.activities[task])));
    const polling = tasks.map((task, i) =>
      pollActivity({
        sfn: ctx.clients.sfn,
        activityArn: arns[i]!,
        workerName: `test-${task}`,
        handler: (input, heartbeat) => functionRegistry.activities[task](input as SagaInput & Record<string, unknown>, { ...ctx, heartbeat }),
        heartbeatSeconds: timingProfile('fast').activities[task].heartbeatSeconds,
        signal: controller.signal,
      }),
    );
    return async () => {
      controller.abort();
      await Promise.all(polling);
    };
  }

  /** The holder's first execution charges (ValidatePayment runs, nothing else), then is stopped: the booking is stuck HELD with money taken. */
  async function chargedThenStopped(): Promise<BookingMessage> {
    const [holder] = await heldWithSaga();
    const stopWorkers = await workers(['ValidatePayment']);
    await expect.poll(() => capturesOf(holder!.bookingId).length).toBe(1);
    await stopWorkers();
    await stop(holder!.bookingId);
    return holder!;
  }

  it('when a HELD booking’s execution was stopped after charging, it restarts the saga once under a new name with the same input, and the saga confirms it with one capture', async () => {
    const ctx = await freshStack();
    const holder = await chargedThenStopped();
    past();

    // Two reconcilers at once: the conditional claim lets only one restart.
    const [first, second] = await Promise.all([pass(), pass()]);
    expect([...first.restarted, ...second.restarted]).toEqual([holder.bookingId]);
    const restart = await describeExecution(`${holder.bookingId}-r1`);
    expect(restart.status).toBe('RUNNING');
    expect(restart.input).toBe((await describeExecution(holder.bookingId)).input);
    expect(JSON.parse(restart.input!)).toEqual(sagaInput(holder));
    expect(await getBooking(ctx, holder.bookingId)).toMatchObject({ status: 'HELD', updatedAt: clock.now() });

    // The restart is RUNNING: a later pass leaves it alone, even past the threshold.
    past();
    expect(await pass()).toEqual({ restarted: [], refunded: [], gaveUp: [], waiting: 0 });

    const stopWorkers = await workers();
    try {
      expect(await finished(ctx.clients.sfn, restart.executionArn!)).toMatchObject({ status: 'SUCCEEDED' });
    } finally {
      await stopWorkers();
    }
    expect(await getBooking(ctx, holder.bookingId)).toMatchObject({ status: 'CONFIRMED' });
    expect(capturesOf(holder.bookingId).map((entry) => entry.idempotencyKey)).toEqual([`charge:${holder.bookingId}`]);
    const verdict = exactlyOnceEffects({ runId: 'rec', requestIdPrefix: 'rec-', ...(await collectStackEvidence(ctx.clients, stack)), ledger: gateway.ledger() });
    expect(verdict.counterexamples.filter((example) => example.bookingIds.includes(holder.bookingId))).toEqual([]);
    expect(await pass()).toEqual({ restarted: [], refunded: [], gaveUp: [], waiting: 0 });
  });

  it('when the saga still runs past the threshold, it leaves it alone', async () => {
    const ctx = await freshStack();
    const [holder] = await heldWithSaga();
    past();
    expect(await pass()).toEqual({ restarted: [], refunded: [], gaveUp: [], waiting: 0 });
    expect((await describeExecution(holder!.bookingId)).status).toBe('RUNNING');
    await expect(describeExecution(`${holder!.bookingId}-r1`)).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    expect((await getBooking(ctx, holder!.bookingId))?.status).toBe('HELD');
  });

  it('when a stuck booking is younger than the threshold, it is waiting, and restarted once past it', async () => {
    await freshStack();
    const [holder] = await heldWithSaga();
    await stop(holder!.bookingId);
    clock.advance(stuckAfterMs - 1);
    expect(await pass()).toEqual({ restarted: [], refunded: [], gaveUp: [], waiting: 1 });
    clock.advance(2);
    expect(await pass()).toMatchObject({ restarted: [holder!.bookingId], waiting: 0 });
  });

  it('when a HELD booking never got an execution (the payment function died first), it starts the booking’s own execution', async () => {
    const ctx = await freshStack();
    const [holder] = await st.seatWith(1);
    past();
    expect(await pass()).toMatchObject({ restarted: [holder!.bookingId] });
    const started = await describeExecution(holder!.bookingId);
    expect(started.status).toBe('RUNNING');
    expect(JSON.parse(started.input!)).toEqual(sagaInput(holder!));
    // A redelivery of the payment message now finds it by name: no second saga.
    expect(await handlePayment(st.record(holder!, '1'), ctx)).toEqual({ kind: 'in-saga', executionArn: started.executionArn });
  });

  it('when every restart is stopped too, it gives up after maxAttempts: ESCALATED with the reason, and the seat passes to the next in line', async () => {
    const ctx = await freshStack();
    const [holder, next] = await heldWithSaga(2);
    for (const name of [holder!.bookingId, `${holder!.bookingId}-r1`]) {
      await stop(name);
      past();
      expect(await pass()).toMatchObject({ restarted: [holder!.bookingId], gaveUp: [] });
    }
    await stop(`${holder!.bookingId}-r2`);
    past();
    expect(await pass()).toEqual({ restarted: [], refunded: [], gaveUp: [holder!.bookingId], waiting: 0 });
    expect(await getBooking(ctx, holder!.bookingId)).toMatchObject({ status: 'ESCALATED', reason: 'the reconciler gave up after 2 restarts: ABORTED', decidedAt: clock.now() });
    expect(await getSeat(ctx, holder!.seatId)).toEqual({ seatId: holder!.seatId, holder: next!.bookingId, line: [], sold: false });
    expect((await getBooking(ctx, next!.bookingId))?.status).toBe('HELD');
    past();
    expect((await pass()).gaveUp).toEqual([]);
  });

  it('when the stopped saga had already refunded, it does not restart (the replayed charge would confirm a refunded booking): the booking fails and the seat is released', async () => {
    const ctx = await freshStack();
    const [holder] = await heldWithSaga();
    await chargeBooking(gateway.url, holder!, { timeoutMs: sagaGatewayTimeoutMs });
    await functionRegistry.activities.RefundPayment({ ...holder! }, { ...ctx, heartbeat: async () => {} });
    await stop(holder!.bookingId);
    past();
    expect(await pass()).toEqual({ restarted: [], refunded: [holder!.bookingId], gaveUp: [], waiting: 0 });
    expect(await getBooking(ctx, holder!.bookingId)).toMatchObject({ status: 'PAYMENT_FAILED', reason: expect.stringContaining('after refunding the payment') });
    expect((await getSeat(ctx, holder!.seatId)).holder).toBeUndefined();
    await expect(describeExecution(`${holder!.bookingId}-r1`)).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('when a stuck booking cannot be handled (the gateway is unreachable), it tells onError and counts the booking as waiting', async () => {
    const ctx = await freshStack();
    const [holder] = await heldWithSaga();
    await stop(holder!.bookingId);
    past();
    const errors: Array<[string, unknown]> = [];
    const unreachable = { ...ctx, resources: { ...ctx.resources, gatewayUrl: 'http://127.0.0.1:9' } };
    expect(await reconcile(unreachable, { ...options, onError: (bookingId, error) => errors.push([bookingId, error]) })).toEqual({ restarted: [], refunded: [], gaveUp: [], waiting: 1 });
    expect(errors).toEqual([[holder!.bookingId, expect.objectContaining({ error: 'GatewayError' })]]);
    expect(await pass()).toMatchObject({ restarted: [holder!.bookingId] });
  });

  /** A charged booking whose saga's refund gave up: ReleaseSeat made it ESCALATED and released its seat. */
  async function escalatedRefund(): Promise<BookingMessage> {
    const ctx = st.ctx;
    const [holder] = await st.seatWith(1);
    await chargeBooking(gateway.url, holder!, { timeoutMs: sagaGatewayTimeoutMs });
    const input = { ...holder!, error: { Error: 'TicketingFailed', Cause: 'printer on fire' }, refundError: { Error: 'RefundTimeout', Cause: 'no answer' } };
    expect(await releaseSeat(input, { ...ctx, heartbeat: async () => {} })).toMatchObject({ status: 'ESCALATED' });
    return holder!;
  }

  it('when an escalated refund is retried while the gateway hangs, it counts the attempt; after the heal, the refund completes once and the booking fails', async () => {
    const ctx = await freshStack();
    const holder = await escalatedRefund();
    expect(await pass()).toEqual({ restarted: [], refunded: [], gaveUp: [], waiting: 1 });

    gateway.setPolicy(refundsHang);
    past();
    expect(await pass()).toEqual({ restarted: [], refunded: [], gaveUp: [], waiting: 1 });
    expect(await getBooking(ctx, holder.bookingId)).toMatchObject({ status: 'ESCALATED', reason: expect.stringMatching(/^the refund failed/) });

    gateway.setPolicy(undefined);
    past();
    expect(await pass()).toEqual({ restarted: [], refunded: [holder.bookingId], gaveUp: [], waiting: 0 });
    expect(await getBooking(ctx, holder.bookingId)).toMatchObject({ status: 'PAYMENT_FAILED', reason: 'refund completed by the reconciler (refunded)' });
    expect(ledgerOf(holder.bookingId).filter((entry) => entry.outcome === 'refunded')).toHaveLength(1);
    past();
    expect(await pass()).toEqual({ restarted: [], refunded: [], gaveUp: [], waiting: 0 });
  });

  it('when an escalated refund keeps failing, it gives up after maxAttempts and says so in the reason', async () => {
    const ctx = await freshStack();
    const holder = await escalatedRefund();
    gateway.setPolicy(refundsHang);
    past();
    expect(await pass()).toMatchObject({ gaveUp: [], waiting: 1 });
    past();
    expect(await pass()).toEqual({ restarted: [], refunded: [], gaveUp: [holder.bookingId], waiting: 0 });
    const booking = await getBooking(ctx, holder.bookingId);
    expect(booking).toMatchObject({ status: 'ESCALATED', reason: expect.stringMatching(/^the refund failed .*; the reconciler gave up after 2 attempts/) });
    gateway.setPolicy(undefined);
    past();
    expect(await pass()).toEqual({ restarted: [], refunded: [], gaveUp: [], waiting: 0 });
    expect(ledgerOf(holder.bookingId).filter((entry) => entry.outcome === 'refunded')).toEqual([]);
  });

  it('when the sabotage new-key-on-retry is on, the restart charges a booking charged before a second time, and invariant 5 reports it', async () => {
    const ctx = await freshStack('new-key-on-retry');
    const holder = await chargedThenStopped();
    past();
    expect(await pass()).toMatchObject({ restarted: [holder.bookingId] });
    const restart = await describeExecution(`${holder.bookingId}-r1`);
    expect(JSON.parse(restart.input!)).toEqual({ ...sagaInput(holder), chargeKey: `charge:${holder.bookingId}:r1`, refundKey: `refund:${holder.bookingId}:r1` });

    const stopWorkers = await workers();
    try {
      expect(await finished(ctx.clients.sfn, restart.executionArn!)).toMatchObject({ status: 'SUCCEEDED' });
    } finally {
      await stopWorkers();
    }
    expect(capturesOf(holder.bookingId).map((entry) => entry.idempotencyKey)).toEqual([`charge:${holder.bookingId}`, `charge:${holder.bookingId}:r1`]);
    const verdict = exactlyOnceEffects({ runId: 'rec', requestIdPrefix: 'rec-', ...(await collectStackEvidence(ctx.clients, stack)), ledger: gateway.ledger() });
    expect(verdict.verdict).toBe('invalid');
    expect(verdict.counterexamples).toContainEqual(expect.objectContaining({ bookingIds: [holder.bookingId], message: expect.stringContaining('charged 2 times') }));
  });
});
