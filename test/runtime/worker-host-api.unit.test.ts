import { describe, expect, it } from 'vitest';
import { BooksimError, ExitCode } from '../../src/errors.js';
import { parseFunctionList, requireSomethingToHost } from '../../src/runtime/worker-host.js';

const usageError = (run: () => unknown): BooksimError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BooksimError);
    expect((error as BooksimError).exitCode).toBe(ExitCode.usage);
    return error as BooksimError;
  }
  throw new Error('expected a usage error');
};

describe('booksim worker --functions none and --api-port', () => {
  it('reads --functions none as no function, and refuses it listed with others', () => {
    expect(parseFunctionList('none')).toEqual([]);
    expect(parseFunctionList(' none , none ')).toEqual([]);
    expect(usageError(() => parseFunctionList('none,inventory')).message).toBe('--functions: none hosts no function, so it cannot be listed with others');
  });

  it('needs --api-port (0 included: a free port) when it hosts no function, and nothing more otherwise', () => {
    expect(usageError(() => requireSomethingToHost([], undefined)).message).toBe(
      '--functions none hosts no worker: give --api-port N to serve only the booking API, or name the functions to host',
    );
    expect(() => requireSomethingToHost([], 0)).not.toThrow();
    expect(() => requireSomethingToHost([], 7080)).not.toThrow();
    expect(() => requireSomethingToHost(undefined, undefined)).not.toThrow();
    expect(() => requireSomethingToHost(['inventory'], undefined)).not.toThrow();
  });
});
