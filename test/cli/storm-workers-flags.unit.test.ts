import { describe, expect, it } from 'vitest';
import { stormPlanOf, wholeStormPlanOf, type StormFlagValues } from '../../src/cli/storm-flags.js';
import { BooksimError, ExitCode } from '../../src/errors.js';

const flags = (more: Partial<StormFlagValues>): StormFlagValues => ({
  seats: 10,
  rps: '50',
  fault: [],
  sabotage: [],
  seed: 1,
  'settle-timeout': '60s',
  concurrency: 16,
  'reports-dir': 'reports',
  ...more,
});

describe('storm --workers and --gateway-port', () => {
  it('plans local workers and any gateway port by default', () => {
    const plan = stormPlanOf(flags({ workers: 'local', 'gateway-port': 0 }));
    expect(plan.workers).toBeUndefined();
    expect(plan.gatewayPort).toBeUndefined();
  });

  it('plans no workers and a fixed gateway port when asked', () => {
    expect(stormPlanOf(flags({ workers: 'none', 'gateway-port': 7070 }))).toMatchObject({ workers: 'none', gatewayPort: 7070 });
  });

  it('keeps gateway and AWS faults with --workers none, and refuses a worker fault in one line: it needs the workers in this process', () => {
    expect(stormPlanOf(flags({ workers: 'none', fault: ['payment-decline:rate=0.5'] })).chaos.faults).toHaveLength(1);
    let caught: unknown;
    try {
      stormPlanOf(flags({ workers: 'none', fault: ['worker-crash'] }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BooksimError);
    expect((caught as BooksimError).exitCode).toBe(ExitCode.usage);
    expect((caught as BooksimError).message).toBe("--workers none: worker-crash is a worker fault, and needs the workers in this storm's process (--workers local)");
    // A scenario's worker faults too.
    expect(() => stormPlanOf(flags({ workers: 'none', scenario: 'heartbeat-crash' }))).toThrow(/crash-mid-heartbeat is a worker fault/);
    expect(() => stormPlanOf(flags({ workers: 'local', fault: ['worker-crash'] }))).not.toThrow();
  });
});

describe('storm --shard in commands that verify what they storm', () => {
  it('is refused by run and compare (wholeStormPlanOf), exit 2, saying to storm the parts and merge them; storm takes it', () => {
    expect(stormPlanOf(flags({ shard: '1/2' })).shard).toEqual({ index: 1, count: 2 });
    expect(() => wholeStormPlanOf(flags({ shard: '1/2' }))).toThrow(/--shard sends a part of the plan, which is verified only once merged/);
    expect(wholeStormPlanOf(flags({})).shard).toBeUndefined();
  });
});
