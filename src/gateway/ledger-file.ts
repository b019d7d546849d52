import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { BooksimError, ExitCode } from '../errors.js';

/**
 * The ledger on disk: one JSON line per entry, written synchronously before the entry
 * takes effect, so that whatever the run's process suffers afterwards (a crash, a kill)
 * the file holds every effect the gateway applied. No fsync: it guards against a dying
 * process, not a dying machine.
 */
export class LedgerFile {
  private constructor(private fd: number | undefined) {}

  /**
   * Creates the file (and its folder). Refuses a file that exists already: a ledger is
   * the evidence of one run, and appending a second run's entries would mix them.
   */
  static create(path: string): LedgerFile {
    mkdirSync(dirname(path), { recursive: true });
    try {
      return new LedgerFile(openSync(path, 'wx'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new BooksimError(`the gateway ledger ${path} exists already: each run writes its own ledger.`, ExitCode.usage, [
        'Give the run its own directory, or move the old ledger away.',
      ]);
    }
  }

  /** Appends one line; throws when the write fails, so the caller can refuse the effect. */
  append(record: object): void {
    if (this.fd === undefined) throw new Error('the gateway ledger file is closed');
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  /** Closes the file; later appends throw. Safe to call more than once. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
