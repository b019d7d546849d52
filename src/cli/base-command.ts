import { Command } from '@oclif/core';
import { BooksimError } from '../errors.js';

/**
 * The base of every booksim command: a {@link BooksimError} becomes a one-line message
 * with its suggestions and exit code, never a stack trace — or, with --json, an
 * `{error: {message, exitCode, suggestions}}` object on stdout.
 */
export abstract class BaseCommand extends Command {
  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    if (error instanceof BooksimError) {
      if (this.jsonEnabled()) {
        this.logJson({ error: { message: error.message, exitCode: error.exitCode, suggestions: error.suggestions } });
        process.exitCode = error.exitCode;
        return undefined;
      }
      this.error(error.message, { exit: error.exitCode, suggestions: error.suggestions });
    }
    return super.catch(error);
  }
}
