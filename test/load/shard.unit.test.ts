import { describe, expect, it } from 'vitest';
import { BooksimError } from '../../src/errors.js';
import { parseShard, planIdOf, planRequests, shardOf } from '../../src/load/plan.js';
import { type LoadShape } from '../../src/model/plan.js';

const shape: LoadShape = { seats: 50, contention: 3, duplicates: 0.2, vip: 0.1, seed: 7, rps: 100, bookings: 1001 };

describe('shardOf', () => {
  it.each([1, 2, 3, 7])('when the plan is split %i ways, the shards partition it exactly: same ids, bodies and intended times, every request once', (count) => {
    const plan = planRequests(shape);
    const shards = Array.from({ length: count }, (_, i) => shardOf(plan, { index: i + 1, count }));
    const union = shards.flat().sort((a, b) => a.index - b.index);
    expect(union).toEqual(plan);
    shards.forEach((shard, i) => {
      expect(shard.every((request) => request.index % count === i)).toBe(true);
      // rate / count: as many requests as the shard's share of the indices.
      expect(shard.length).toBe(Math.floor((plan.length - 1 - i) / count) + 1);
    });
    expect(new Set(union.map((request) => request.body.requestId)).size).toBe(new Set(plan.map((request) => request.body.requestId)).size);
  });

  it('when a shard sends its part, each request keeps the intended send time of the whole plan, so the shard runs at rate / n', () => {
    const plan = planRequests(shape);
    const second = shardOf(plan, { index: 2, count: 2 });
    expect(second[0]!.intendedAtMs).toBe(plan[1]!.intendedAtMs);
    expect(second[1]!.intendedAtMs - second[0]!.intendedAtMs).toBe(2 * (1000 / shape.rps));
  });
});

describe('parseShard', () => {
  it('when given i/n with 1 ≤ i ≤ n, it reads it', () => {
    expect(parseShard('1/2')).toEqual({ index: 1, count: 2 });
    expect(parseShard('3/3')).toEqual({ index: 3, count: 3 });
  });

  it.each(['0/2', '3/2', '1/0', '1', 'a/b', '1/2/3', '-1/2', ''])('when given "%s", it is a usage error (exit 2) naming --shard', (text) => {
    expect(() => parseShard(text)).toThrow(BooksimError);
    expect(() => parseShard(text)).toThrow(/--shard must be i\/n/);
  });
});

describe('planIdOf', () => {
  it('when given the same shape, it names the same plan; another seed, rate, size or event names another', () => {
    expect(planIdOf(shape)).toBe(planIdOf({ ...shape }));
    expect(planIdOf(shape)).toMatch(/^plan-[0-9a-f]{10}$/);
    for (const other of [{ seed: 8 }, { rps: 101 }, { bookings: 1000 }, { event: 'concert' }, { seats: 51 }]) expect(planIdOf({ ...shape, ...other })).not.toBe(planIdOf(shape));
  });
});
