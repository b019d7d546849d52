/**
 * Exit codes of every booksim command. `verify` uses 0/1/3 for its verdict; the others
 * are shared. Shown in `--help` through {@link exitCodeHelp}.
 */
export const ExitCode = {
  ok: 0,
  invalid: 1,
  usage: 2,
  unknown: 3,
  environment: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** One line per exit code, for the help text of commands. */
export const exitCodeHelp = [
  '0  success',
  '1  an invariant or threshold was violated',
  '2  usage error (bad flag or input)',
  '3  verdict unknown (the data to decide was missing)',
  '4  environment error (endpoint unreachable, port in use, …)',
].join('\n');

/**
 * An error meant for the user: a one-line message, the exit code, and suggestions that
 * say how to fix it. Commands print it without a stack trace.
 */
export class BooksimError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.usage,
    readonly suggestions: string[] = [],
  ) {
    super(message);
    this.name = 'BooksimError';
  }
}

/** An error's name and message in one line, for logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
