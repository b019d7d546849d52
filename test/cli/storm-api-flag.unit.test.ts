import { describe, expect, it } from 'vitest';
import { apiSabotages, apiUrlOf, stormPlanOf, wholeStormPlanOf, type StormFlagValues } from '../../src/cli/storm-flags.js';
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

const usageError = (run: () => unknown): BooksimError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BooksimError);
    expect((error as BooksimError).exitCode).toBe(ExitCode.usage);
    expect((error as BooksimError).message).not.toContain('\n');
    expect((error as BooksimError).suggestions).toEqual([]);
    return error as BooksimError;
  }
  throw new Error('expected a usage error');
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
      expect(usageError(() => apiUrlOf(value, [])).message).toBe(
        `--api: ${JSON.stringify(value)} is not an http:// URL of a booking API (e.g. http://127.0.0.1:7080, as booksim worker --api-port 7080 serves it)`,
      );
    }
    expect(() => stormPlanOf(flags({ api: 'localhost' }))).toThrow(/^--api: "localhost" is not an http:\/\/ URL/);
  });

  it("refuses the sabotage that lives in the booking API (the API served elsewhere does not take the storm's), and takes the others", () => {
    expect(apiSabotages).toEqual(['new-id-per-attempt']);
    expect(usageError(() => stormPlanOf(flags({ api: 'http://127.0.0.1:7080', sabotage: ['ack-before-work', 'new-id-per-attempt'] }))).message).toBe(
      "--api: the booking API at http://127.0.0.1:7080 does not take this storm's sabotage new-id-per-attempt, which lives in the booking API; drop --api to run it in this storm's own API",
    );
    expect(stormPlanOf(flags({ api: 'http://127.0.0.1:7080', sabotage: ['new-key-on-retry'] })).chaos.sabotage).toEqual(['new-key-on-retry']);
    expect(stormPlanOf(flags({ sabotage: ['new-id-per-attempt'] })).chaos.sabotage).toEqual(['new-id-per-attempt']);
  });

  it('is refused by run and compare (wholeStormPlanOf), which deploy and serve their own stack', () => {
    expect(usageError(() => wholeStormPlanOf(flags({ api: 'http://127.0.0.1:7080' }))).message).toBe(
      '--api is for booksim storm on a deployed stack: this command deploys its own stack and serves its booking API itself',
    );
    expect(wholeStormPlanOf(flags({})).api).toBeUndefined();
  });
});
