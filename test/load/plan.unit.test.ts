import { describe, expect, it } from 'vitest';
import { BooksimError } from '../../src/errors.js';
import { planRequests, validateLoadShape, type PlannedRequest } from '../../src/load/plan.js';
import { type LoadShape } from '../../src/model/plan.js';

const shape: LoadShape = { seats: 1000, contention: 5, duplicates: 0.2, vip: 0.1, seed: 42, rps: 500, durationSeconds: 20 };

const originals = (plan: PlannedRequest[]) => plan.filter((request) => request.duplicateOf === undefined);

/** Requests per seat among the distinct (original) requests. */
function perSeat(plan: PlannedRequest[]): Map<string, PlannedRequest[]> {
  const seats = new Map<string, PlannedRequest[]>();
  for (const request of originals(plan)) seats.set(request.body.seatId, [...(seats.get(request.body.seatId) ?? []), request]);
  return seats;
}

describe('planRequests', () => {
  it('when given the same seed, it gives the same plan exactly; another seed gives another', () => {
    expect(planRequests(shape)).toEqual(planRequests({ ...shape }));
    const other = planRequests({ ...shape, seed: 43 });
    expect(other).not.toEqual(planRequests(shape));
    const ids = new Set(planRequests(shape).map((r) => r.body.requestId));
    expect(other.filter((r) => ids.has(r.body.requestId))).toEqual([]);
  });

  it('when given a duration, it plans rps × duration requests, request i at i / rps seconds', () => {
    const plan = planRequests(shape);
    expect(plan).toHaveLength(10_000);
    expect(plan.map((r) => r.index)).toEqual([...plan.keys()]);
    expect(plan[1]!.intendedAtMs).toBe(2);
    expect(plan.at(-1)!.intendedAtMs).toBe(19_998);
    expect(planRequests({ ...shape, rps: 3, durationSeconds: 0.5 })).toHaveLength(2);
  });

  it('when given a number of bookings, it plans exactly that many', () => {
    const { durationSeconds: _, ...rest } = shape;
    expect(planRequests({ ...rest, bookings: 123 })).toHaveLength(123);
  });

  it('when seats are plentiful, each requested seat gets `contention` distinct requests on average, with seat ids S0001…', () => {
    for (const contention of [1, 2.5, 5, 20]) {
      const plan = planRequests({ ...shape, seats: 5000, durationSeconds: 4, contention });
      const seats = perSeat(plan);
      const mean = originals(plan).length / seats.size;
      expect(mean).toBeCloseTo(contention, 1);
      expect([...seats.keys()].every((id) => /^S\d{4}$/.test(id))).toBe(true);
    }
  });

  it('when given an event, every seat id is that event\'s, <event>/S0001…, and the rest of the plan is the same as without one', () => {
    const plain = planRequests(shape);
    const plan = planRequests({ ...shape, event: 'gala-2026' });
    expect(plan.every((request) => /^gala-2026\/S\d{4}$/.test(request.body.seatId))).toBe(true);
    expect(plan.map((request) => request.body.seatId)).toEqual(plain.map((request) => `gala-2026/${request.body.seatId}`));
    expect(plan.map(({ body: { seatId: _, ...rest }, ...request }) => ({ ...request, body: rest }))).toEqual(plain.map(({ body: { seatId: _, ...rest }, ...request }) => ({ ...request, body: rest })));
  });

  it('when the number of seats grows, a seat keeps its id: S0001 is seat 1 with 100 seats or 20,000', () => {
    const few = planRequests({ ...shape, seats: 100, event: 'e' });
    const many = planRequests({ ...shape, seats: 20_000, event: 'e' });
    expect(few.some((request) => request.body.seatId === 'e/S0001')).toBe(true);
    expect(many.some((request) => request.body.seatId === 'e/S0001')).toBe(true);
  });

  it('when there are fewer seats than total / contention, it requests every seat, more often each', () => {
    const plan = planRequests({ ...shape, seats: 100 });
    expect(perSeat(plan).size).toBe(100);
    expect(Math.min(...[...perSeat(plan).values()].map((requests) => requests.length))).toBeGreaterThanOrEqual(79);
  });

  it('when customers compete for a seat, they arrive close together: a window of seats slides over the run', () => {
    const spans = [...perSeat(planRequests(shape)).values()].map((requests) => requests.at(-1)!.intendedAtMs - requests[0]!.intendedAtMs);
    spans.sort((a, b) => a - b);
    // 5 requests per seat among ~5 active seats at 500 rps: about 25 requests, 50 ms, out of a 20 s run.
    expect(spans[Math.floor(spans.length / 2)]).toBeLessThan(100);
    expect(spans.at(-1)).toBeLessThan(250);
  });

  it('when asked for duplicates, about that fraction of requests retry an earlier one with the same requestId and body, a little later', () => {
    const plan = planRequests(shape);
    const retries = plan.filter((request) => request.duplicateOf !== undefined);
    expect(retries.length / plan.length).toBeGreaterThan(0.18);
    expect(retries.length / plan.length).toBeLessThan(0.22);
    const lastAttempt = new Map<string, number>();
    for (const request of plan) {
      if (request.duplicateOf !== undefined) {
        const original = plan[request.duplicateOf]!;
        expect(original.duplicateOf).toBeUndefined();
        expect(request.body).toEqual(original.body);
        expect(request.index).toBeGreaterThan(original.index);
        // A retry follows the previous attempt (the original or an earlier retry) by a client timeout.
        expect(request.intendedAtMs - lastAttempt.get(request.body.requestId)!).toBeLessThanOrEqual(502);
      }
      lastAttempt.set(request.body.requestId, request.intendedAtMs);
    }
    const requestIds = originals(plan).map((request) => request.body.requestId);
    expect(new Set(requestIds).size).toBe(requestIds.length);
    expect(planRequests({ ...shape, duplicates: 0 }).every((request) => request.duplicateOf === undefined)).toBe(true);
  });

  it('when asked for VIPs, about that fraction of customers are VIP and pay the VIP price, the rest STANDARD', () => {
    const customers = originals(planRequests({ ...shape, vip: 0.3 }));
    const vips = customers.filter((request) => request.body.tier === 'VIP');
    expect(vips.length / customers.length).toBeGreaterThan(0.27);
    expect(vips.length / customers.length).toBeLessThan(0.33);
    expect(new Set(vips.map((request) => request.body.amount))).toEqual(new Set([12000]));
    expect(new Set(customers.filter((request) => request.body.tier === 'STANDARD').map((request) => request.body.amount))).toEqual(new Set([5000]));
    expect(new Set(customers.map((request) => request.body.customerId)).size).toBe(customers.length);
  });
});

describe('validateLoadShape', () => {
  const { durationSeconds: _, ...noDuration } = shape;
  it.each<[string, LoadShape, RegExp]>([
    ['a zero rate', { ...shape, rps: 0 }, /--rps must be a positive number/],
    ['an infinite rate', { ...shape, rps: Infinity }, /--rps must be a positive number/],
    ['zero seats', { ...shape, seats: 0 }, /--seats must be a whole number of at least 1 \(got 0\)/],
    ['a fractional seat count', { ...shape, seats: 1.5 }, /--seats/],
    ['a contention under 1', { ...shape, contention: 0.5 }, /--contention must be a number of at least 1/],
    ['duplicates over 1', { ...shape, duplicates: 1.2 }, /--duplicates must be a fraction between 0 and 1/],
    ['a negative vip share', { ...shape, vip: -0.1 }, /--vip must be a fraction between 0 and 1/],
    ['neither duration nor bookings', noDuration, /exactly one of --duration and --bookings/],
    ['both duration and bookings', { ...shape, bookings: 10 }, /exactly one of --duration and --bookings/],
    ['a zero duration', { ...shape, durationSeconds: 0 }, /--duration must be a positive time/],
    ['a load of no request', { ...shape, rps: 0.1, durationSeconds: 1 }, /sends no request/],
    ['an event name with a space', { ...shape, event: 'my gala' }, /--event must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit \(got "my gala"\)/],
    ['an event name with a slash', { ...shape, event: 'a/b' }, /--event must be/],
    ['more than a million requests', { ...shape, rps: 100_000, durationSeconds: 11 }, /1100000 requests, more than the limit of 1000000/],
  ])('when given %s, it throws a usage error saying so', (_case, bad, message) => {
    expect(() => validateLoadShape(bad)).toThrow(message);
    try {
      planRequests(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BooksimError);
      expect((error as BooksimError).exitCode).toBe(2);
    }
  });

  it('when the shape is valid, it returns it unchanged', () => {
    expect(validateLoadShape(shape)).toBe(shape);
  });
});
