import { createInterface } from 'node:readline/promises';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { BooksimError, ExitCode } from '../errors.js';
import { resolveEndpoint, type EndpointConfig } from './endpoint.js';

const stsTimeoutMs = 10_000;

/** How the gate asks: --yes, whether a person can answer, and where the question goes. */
export interface ConfirmOptions {
  /** --yes: go ahead without asking. */
  yes: boolean;
  /** Prints the line naming account and region; default stderr, even under --json (stdout stays the result's). */
  say?: (line: string) => void;
  /** Whether a person can answer y/N: stdin and stderr are terminals. Default: they are. */
  interactive?: boolean;
  /** Asks the question and answers what was typed (default: readline on stdin/stderr). */
  ask?: (question: string) => Promise<string>;
}

/** The account the standard credential chain signs as, by STS GetCallerIdentity (the SDK's default endpoint, so AWS_ENDPOINT_URL_STS applies). */
export async function callerAccount(region: string): Promise<string> {
  const sts = new STSClient({ region, maxAttempts: 1 });
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(stsTimeoutMs) });
    if (!identity.Account) throw new Error('GetCallerIdentity answered no account');
    return identity.Account;
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new BooksimError(`cannot tell which AWS account --endpoint aws would act on (STS GetCallerIdentity in ${region}): ${why}`, ExitCode.environment, [
      'Check the credentials of the standard chain (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, an instance role) and that STS answers (AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL, if set, send it elsewhere): `aws sts get-caller-identity` should work.',
    ]);
  } finally {
    sts.destroy();
  }
}

/**
 * The gate before anything that creates or deletes on real AWS: on `--endpoint aws` only,
 * prints "this will WHAT on AWS account A in REGION" and goes ahead with --yes, else asks
 * y/N on a terminal; a run nobody can answer (CI) without --yes is a usage error (exit 2),
 * before any call but GetCallerIdentity. Any other endpoint passes untouched.
 */
export async function confirmAws(endpoint: EndpointConfig, what: string, options: ConfirmOptions): Promise<void> {
  if (!endpoint.aws) return;
  const account = await callerAccount(endpoint.region);
  (options.say ?? sayOnStderr)(`this will ${what} on AWS account ${account} in ${endpoint.region}`);
  if (options.yes) return;
  const interactive = options.interactive ?? (Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY));
  if (!interactive) {
    throw new BooksimError('not going ahead on AWS without --yes in a non-interactive run', ExitCode.usage, ['Add --yes to go ahead.']);
  }
  const answer = await (options.ask ?? askOnTerminal)('go ahead? [y/N] ');
  if (!/^y(es)?$/i.test(answer.trim())) throw new BooksimError('not confirmed: nothing was done on AWS', ExitCode.usage, ['Answer y, or add --yes.']);
}

function sayOnStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function askOnTerminal(question: string): Promise<string> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}

/** {@link confirmAws} for a command's parsed --endpoint, --region and --yes (the commands that resolve their endpoint later, or themselves). */
export async function confirmAwsFlags(flags: { endpoint?: string | undefined; region?: string | undefined; yes: boolean }, what: string): Promise<void> {
  await confirmAws(resolveEndpoint(flags), what, { yes: flags.yes });
}
