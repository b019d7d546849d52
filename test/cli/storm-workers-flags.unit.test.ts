import { describe, expect, it } from 'vitest';
import { apiSabotages, apiUrlOf, stormPlanOf, wholeStormPlanOf, type StormFlagValues } from '../../src/cli/storm-flags.js';
import { BooksimError, ExitCode } from '../../src/errors.js';
import { usageError } from '../helpers/usage-error.js';

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

/** A usage error's message, which must be one line with no suggestion under it. */
const oneLineUsageError = (run: () => unknown): string => {
  const message = usageError(run);
  expect(message).not.toContain('\n');
  return message;
};

describe('storm --api URL', () => {
  it("plans the storm's own API by default, and the URL given, as given, with --api", () => {
    expect(stormPlanOf(flags({})).api).toBeUndefined();
    expect(stormPlanOf(flags({ api: 'http://127.0.0.1:7080', workers: 'none' }))).toMatchObject({ api: 'http://127.0.0.1:7080', workers: 'none' });
    expect(stormPlanOf(flags({ api: 'http://api.example:7080/' })).api).toBe('http://api.example:7080/');
    // Local workers with an API elsewhere are a storm too.
    expect(stormPlanOf(flags({ api: 'http://127.0.0.1:7080' })).workers).toBeUndefined();
  });

  it('refuses in one line what is not an http:// URL of an API served at its root', () => {
    for (const value of ['127.0.0.1:7080', 'not a url', 'https://127.0.0.1:7080', 'ftp://x', 'http://127.0.0.1:7080/v1', 'http://127.0.0.1:7080/?a=1', 'http://u:p@127.0.0.1:7080']) {
      expect(oneLineUsageError(() => apiUrlOf(value, []))).toBe(
        `--api: ${JSON.stringify(value)} is not an http:// URL of a booking API (e.g. http://127.0.0.1:7080, as booksim worker --api-port 7080 serves it)`,
      );
    }
    expect(() => stormPlanOf(flags({ api: 'localhost' }))).toThrow(/^--api: "localhost" is not an http:\/\/ URL/);
  });

  it("refuses the sabotage that lives in the booking API (the API served elsewhere does not take the storm's), and takes the others", () => {
    expect(apiSabotages).toEqual(['new-id-per-attempt']);
    expect(oneLineUsageError(() => stormPlanOf(flags({ api: 'http://127.0.0.1:7080', sabotage: ['ack-before-work', 'new-id-per-attempt'] })))).toBe(
      "--api: the booking API at http://127.0.0.1:7080 does not take this storm's sabotage new-id-per-attempt, which lives in the booking API; drop --api to run it in this storm's own API",
    );
    expect(stormPlanOf(flags({ api: 'http://127.0.0.1:7080', sabotage: ['new-key-on-retry'] })).chaos.sabotage).toEqual(['new-key-on-retry']);
    expect(stormPlanOf(flags({ sabotage: ['new-id-per-attempt'] })).chaos.sabotage).toEqual(['new-id-per-attempt']);
  });

  it('is refused by run and compare (wholeStormPlanOf), which deploy and serve their own stack', () => {
    expect(oneLineUsageError(() => wholeStormPlanOf(flags({ api: 'http://127.0.0.1:7080' })))).toBe(
      '--api is for booksim storm on a deployed stack: this command deploys its own stack and serves its booking API itself',
    );
    expect(wholeStormPlanOf(flags({})).api).toBeUndefined();
  });
});
