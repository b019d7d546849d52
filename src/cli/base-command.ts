import { Command } from '@oclif/core';
import { BooksimError, ExitCode } from '../errors.js';

/**
 * oclif's errors for bad flags and arguments (unknown flag, unexpected argument, a value
 * not among the options) carry what was parsed; oclif would print the whole help after
 * them, or with --json dump the parse with the CLI's configuration.
 */
const isParseError = (error: Error): boolean => 'parse' in error;

/** oclif's message in one line: its lines joined ("The following errors occurred: --bookings=5 cannot…"), without its own "See more help with --help". */
const oneLine = (message: string): string =>
  message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'See more help with --help')
    .join(' ');

/**
 * The base of every booksim command: a {@link BooksimError}, or a flag or argument oclif
 * refuses (exit 2), becomes a one-line message with its suggestions and exit code, never
 * a stack trace — or, with --json, an `{error: {message, exitCode, suggestions}}` object
 * on stdout.
 */
export abstract class BaseCommand extends Command {
  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    if (isParseError(error)) return this.catch(new BooksimError(oneLine(error.message), ExitCode.usage, [`See \`booksim ${this.id} --help\`.`]));
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
