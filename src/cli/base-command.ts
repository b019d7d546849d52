import { Command } from '@oclif/core';
import { BooksimError } from '../errors.js';

/**
 * The base of every booksim command: a {@link BooksimError} becomes a one-line message
 * with its suggestions and exit code, never a stack trace.
 */
export abstract class BaseCommand extends Command {
  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    if (error instanceof BooksimError) {
      this.error(error.message, { exit: error.exitCode, suggestions: error.suggestions });
    }
    return super.catch(error);
  }
}
