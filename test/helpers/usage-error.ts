import { expect } from 'vitest';
import { BooksimError } from '../../src/errors.js';

/** The message of the usage error (BooksimError, exit 2) that `run` throws; fails the test if it throws none or another. */
export function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BooksimError);
    expect((error as BooksimError).exitCode).toBe(2);
    return (error as BooksimError).message;
  }
  throw new Error('expected a usage error');
}
