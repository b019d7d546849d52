import { paginateQuery, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, StartExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { chargeKey, moneyOfBooking, refundBooking, refundKey, sagaGatewayTimeoutMs } from './gateway-client.js';
import { TaskError, type FunctionContext } from './model.js';
import { type Booking, type BookingStatus, type SagaInput } from '../model/booking.js';
import { executionArnOf, sagaInput } from './payment.js';
import { refundFailedReason, releaseHold } from './saga/release-seat.js';
import { update } from './dynamo.js';
import { bookingFromItem, setBookingStatus } from './bookings.js';

/**
 * The reconciler (docs/design.md, The saga): a function the runtime runs on a schedule
 * (src/runtime/reconciler-loop.ts) that finds bookings stuck mid-saga and finishes them.
 *
 * - A HELD booking unchanged for `stuckAfterMs` whose latest execution ended FAILED,
 *   ABORTED or TIMED_OUT (stopped, timed out, or its release gave up) gets its saga
 *   restarted: a new execution `<bookingId>-r<n>` with the same input, so the same
 *   idempotency keys, and the gateway replays the charge instead of taking it twice. One
 *   with no execution at all (the payment function died between HELD and StartExecution)
 *   gets `<bookingId>` itself started. After `maxAttempts` restarts the booking is
 *   ESCALATED with the reason, and its seat passes on as ReleaseSeat would pass it.
 * - A HELD booking whose stopped saga had already refunded the charge is not restarted:
 *   the charge's key would replay the capture and confirm a booking whose money went
 *   back. The reconciler finishes the compensation instead (seat released,
 *   PAYMENT_FAILED).
 * - An ESCALATED booking whose refund gave up (ReleaseSeat's reason) gets its refund
 *   retried under the same key `refund:<bookingId>`: after a heal it goes through and
 *   the booking becomes PAYMENT_FAILED; after `maxAttempts` failed retries it stays
 *   ESCALATED, the reason saying so.
 *
 * Counters on the booking row make this safe with several reconcilers at once:
 * `reconcileAttempts` (restarts so far; it names the latest execution) and
 * `refundAttempts` (refund retries so far), each raised by a conditional write that
 * only one of them wins. Raising one also sets `updatedAt`, so the next attempt on the
 * booking waits `stuckAfterMs` again.
 *
 * Sabotage `new-key-on-retry` (FunctionContext.sabotage): a restart carries new keys
 * `charge:<bookingId>:r<n>` / `refund:<bookingId>:r<n>` (SagaInput.chargeKey/refundKey),
 * and a booking charged before is charged again: the negative control of invariant 5.
 */

export interface ReconcileOptions {
  /** How long a booking must go unchanged before the reconciler acts on it (TimingProfile.reconciler.stuckAfterSeconds). */
  stuckAfterMs: number;
  /** Restarts of a saga, and apart from them retries of an escalated refund, before giving up. */
  maxAttempts: number;
  /** Told of a booking the pass could not handle; the next pass tries it again (it counts as waiting). */
  onError?: (bookingId: string, error: unknown) => void;
}

/** What one pass did, by bookingId. */
export interface ReconcileReport {
  /** Sagas started again: `<bookingId>-r<n>`, or `<bookingId>` itself when it had never started. */
  restarted: string[];
  /** Bookings settled as PAYMENT_FAILED with their money back: an escalated refund that went through, or a saga stopped after its refund (seat released). */
  refunded: string[];
  /** Bookings given up on: ESCALATED, the reason saying why. */
  gaveUp: string[];
  /**
   * Bookings the reconciler will still act on: HELD ones not yet past the threshold
   * (whatever their saga is doing: finding out would cost a call per booking and pass,
   * and they leave HELD when it ends), stuck ones it will restart or whose pass failed,
   * escalated refunds with attempts left. The system is not settled before this is 0.
   */
  waiting: number;
}

/** The booking-row attribute counting the restarts so far; the latest execution is named after it. */
export const restartsAttribute = 'reconcileAttempts';
/** The booking-row attribute counting the retries of an escalated refund so far. */
export const refundRetriesAttribute = 'refundAttempts';

/** What an escalated refund's reason ends with once the reconciler stopped retrying it. */
const refundGaveUpMarker = '; the reconciler gave up after';

/** Bookings a pass handles at once: each costs a few calls, and a pass must not flood the endpoint. */
const passConcurrency = 8;

/** Execution statuses after which a HELD booking is stuck: the saga ended without settling it. */
const endedUnsettled: ReadonlySet<string> = new Set(['FAILED', 'ABORTED', 'TIMED_OUT']);

/** The name of a booking's saga execution: `<bookingId>` for the first, `<bookingId>-r<n>` for the n-th restart. */
export function executionNameOf(bookingId: string, restart: number): string {
  return restart === 0 ? bookingId : `${bookingId}-r${restart}`;
}

/** The booking an execution belongs to, from its name (undoes {@link executionNameOf}); booking ids never end in `-r<digits>`. */
export function bookingIdOfExecution(name: string): string {
  return name.replace(/-r\d+$/, '');
}

/**
 * The saga input of a restart: the booking's own input, so the same keys; under the
 * sabotage `new-key-on-retry`, with keys of this restart's own. Restart 0 (the first
 * execution) always has the booking's input, as the payment function starts it.
 */
export function restartInput(ctx: FunctionContext, booking: Booking, restart: number): SagaInput {
  const input = sagaInput(booking);
  if (restart === 0 || !ctx.sabotage?.has('new-key-on-retry')) return input;
  return { ...input, chargeKey: `${chargeKey(booking.bookingId)}:r${restart}`, refundKey: `${refundKey(booking.bookingId)}:r${restart}` };
}

/** A booking row as a pass reads it: the booking and its counter. */
interface Row {
  booking: Booking;
  attempts: number;
}

type Outcome = 'restarted' | 'refunded' | 'gaveUp' | 'waiting' | 'none';

/**
 * One pass of the reconciler (see the module comment): reads the HELD bookings, then the
 * ESCALATED ones whose refund failed (the bookings table's GSI byStatus), and acts on
 * those past the threshold. Side effects: StartExecution, gateway refunds and reads,
 * conditional writes to bookings and seats. A booking that fails is told to
 * `onError` and counted as waiting; a failed read of the index throws.
 */
export async function reconcile(ctx: FunctionContext, options: ReconcileOptions): Promise<ReconcileReport> {
  const report: ReconcileReport = { restarted: [], refunded: [], gaveUp: [], waiting: 0 };
  const stuckBefore = ctx.clock.now() - options.stuckAfterMs;
  const settle = async (row: Row, act: () => Promise<Outcome>) => {
    let outcome: Outcome;
    try {
      outcome = row.booking.updatedAt > stuckBefore ? 'waiting' : await act();
    } catch (error) {
      options.onError?.(row.booking.bookingId, error);
      outcome = 'waiting';
    }
    if (outcome === 'waiting') report.waiting += 1;
    else if (outcome !== 'none') report[outcome].push(row.booking.bookingId);
  };
  for await (const rows of rowsWithStatus(ctx, 'HELD', restartsAttribute)) {
    await inBatches(rows, (row) => settle(row, () => reconcileHeld(ctx, row, options)));
  }
  for await (const rows of rowsWithStatus(ctx, 'ESCALATED', refundRetriesAttribute, refundFailedReason)) {
    const retriable = rows.filter((row) => row.attempts < options.maxAttempts && !row.booking.reason?.includes(refundGaveUpMarker));
    await inBatches(retriable, (row) => settle(row, () => retryRefund(ctx, row, options)));
  }
  return report;
}

/** A stuck HELD booking: restart its saga, finish its compensation, or give up. */
async function reconcileHeld(ctx: FunctionContext, { booking, attempts }: Row, options: ReconcileOptions): Promise<Outcome> {
  const { bookingId } = booking;
  const execution = await describeExecution(ctx, executionNameOf(bookingId, attempts));
  // Never started (the payment function died first), or a restart claimed and not started (a reconciler died between the two).
  if (!execution) return (await startExecution(ctx, booking, attempts)) ? 'restarted' : 'none';
  // RUNNING: its own timeouts will end it. SUCCEEDED cannot leave a booking HELD (IssueTicket confirms it).
  if (!endedUnsettled.has(execution.status ?? '')) return 'none';
  const ended = describeEnd(execution);

  const money = await moneyOfBooking(ctx.resources.gatewayUrl, bookingId, { timeoutMs: sagaGatewayTimeoutMs });
  if (money.refunded > 0) {
    await releaseHold(ctx, booking.seatId, bookingId);
    const reason = `the saga ended ${ended} after refunding the payment; the reconciler released the seat`;
    return (await setBookingStatus(ctx, bookingId, 'PAYMENT_FAILED', { from: ['HELD'], reason })) ? 'refunded' : 'none';
  }
  if (attempts >= options.maxAttempts) {
    // The seat first: a reconciler that dies in between finds the booking still HELD and gives up again, where the other order would leave the seat held by an ESCALATED booking no one looks at.
    await releaseHold(ctx, booking.seatId, bookingId);
    const reason = `the reconciler gave up after ${attempts} restarts: ${ended}`;
    return (await setBookingStatus(ctx, bookingId, 'ESCALATED', { from: ['HELD'], reason })) ? 'gaveUp' : 'none';
  }
  // Claim the restart, so that of two reconcilers only one starts it.
  if (!(await countAttempt(ctx, bookingId, { attribute: restartsAttribute, status: 'HELD', attempts }))) return 'none';
  return (await startExecution(ctx, booking, attempts + 1)) ? 'restarted' : 'none';
}

/** An escalated refund: retry it under its key; a success settles the booking, a failure is counted. */
async function retryRefund(ctx: FunctionContext, { booking, attempts }: Row, options: ReconcileOptions): Promise<Outcome> {
  const { bookingId } = booking;
  let refund: string;
  try {
    refund = await refundBooking(ctx.resources.gatewayUrl, booking, { timeoutMs: sagaGatewayTimeoutMs });
  } catch (error) {
    // A TaskError is the gateway's answer (or its silence); anything else is a bug and goes to onError.
    if (!(error instanceof TaskError)) throw error;
    const tried = attempts + 1;
    const givingUp = tried >= options.maxAttempts;
    const reason = givingUp ? `${booking.reason ?? refundFailedReason}${refundGaveUpMarker} ${tried} attempts (last: ${error.error}: ${error.message})` : undefined;
    const counted = await countAttempt(ctx, bookingId, { attribute: refundRetriesAttribute, status: 'ESCALATED', attempts, ...(reason !== undefined ? { reason } : {}) });
    if (!counted) return 'none';
    return givingUp ? 'gaveUp' : 'waiting';
  }
  const done = await setBookingStatus(ctx, bookingId, 'PAYMENT_FAILED', { from: ['ESCALATED'], reason: `refund completed by the reconciler (${refund})` });
  return done ? 'refunded' : 'none';
}

/**
 * Starts the booking's execution for `restart` (its name and input from the number):
 * true if this call started it; false if it exists already (another reconciler, or the
 * payment function, started it: StartExecution with a used name and the same input
 * answers the running execution on AWS, ExecutionAlreadyExists once it ended).
 */
async function startExecution(ctx: FunctionContext, booking: Booking, restart: number): Promise<boolean> {
  const command = new StartExecutionCommand({
    stateMachineArn: ctx.resources.stateMachineArn,
    name: executionNameOf(booking.bookingId, restart),
    input: JSON.stringify(restartInput(ctx, booking, restart)),
  });
  try {
    await ctx.clients.sfn.send(command);
    return true;
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return false;
    throw error;
  }
}

/** The named execution of the saga; undefined if there is none by that name. */
async function describeExecution(ctx: FunctionContext, name: string): Promise<DescribeExecutionCommandOutput | undefined> {
  try {
    return await ctx.clients.sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(ctx.resources.stateMachineArn, name) }));
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}

/** How an execution ended, for a reason: `ABORTED`, `FAILED (BookingFailed: …)`. */
function describeEnd(execution: DescribeExecutionCommandOutput): string {
  const detail = [execution.error, execution.cause].filter(Boolean).join(': ');
  return detail ? `${execution.status} (${detail})` : String(execution.status);
}

/**
 * Raises the booking's counter from `attempts` to `attempts + 1`, sets updatedAt (and
 * the reason, when given), if the booking still has `status` and the counter still
 * reads `attempts`: true if this call raised it.
 */
function countAttempt(ctx: FunctionContext, bookingId: string, counter: { attribute: string; status: BookingStatus; attempts: number; reason?: string }): Promise<boolean> {
  const { attribute, status, attempts, reason } = counter;
  const values: Record<string, AttributeValue> = { ':status': { S: status }, ':next': { N: String(attempts + 1) }, ':now': { N: String(ctx.clock.now()) } };
  if (attempts > 0) values[':attempts'] = { N: String(attempts) };
  if (reason !== undefined) values[':reason'] = { S: reason };
  return update(ctx, ctx.resources.names.tables.bookings, { bookingId: { S: bookingId } }, {
    update: `SET #${attribute} = :next, #updatedAt = :now${reason !== undefined ? ', #reason = :reason' : ''}`,
    condition: `#status = :status AND ${attempts > 0 ? `#${attribute} = :attempts` : `attribute_not_exists(#${attribute})`}`,
    values,
  });
}

/**
 * The bookings with a status, page by page, from the GSI byStatus (eventually
 * consistent: every write a pass makes is conditional, so a stale row costs a failed
 * condition, never a wrong write); `reasonPrefix` keeps only those whose reason begins
 * with it. Each row comes with the counter `attribute` (0 when absent).
 */
async function* rowsWithStatus(ctx: FunctionContext, status: BookingStatus, attribute: string, reasonPrefix?: string): AsyncGenerator<Row[]> {
  const pages = paginateQuery(
    { client: ctx.clients.dynamodb },
    {
      TableName: ctx.resources.names.tables.bookings,
      IndexName: 'byStatus',
      KeyConditionExpression: '#status = :status',
      ...(reasonPrefix !== undefined ? { FilterExpression: 'begins_with(#reason, :prefix)' } : {}),
      ExpressionAttributeNames: { '#status': 'status', ...(reasonPrefix !== undefined ? { '#reason': 'reason' } : {}) },
      ExpressionAttributeValues: { ':status': { S: status }, ...(reasonPrefix !== undefined ? { ':prefix': { S: reasonPrefix } } : {}) },
    },
  );
  for await (const page of pages) {
    yield (page.Items ?? []).map((item) => ({ booking: bookingFromItem(item), attempts: Number(item[attribute]?.N ?? 0) }));
  }
}

/** Runs `act` on every item, {@link passConcurrency} at a time. */
async function inBatches<T>(items: T[], act: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += passConcurrency) await Promise.all(items.slice(i, i + passConcurrency).map(act));
}
