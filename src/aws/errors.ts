import { BooksimError, ExitCode } from '../errors.js';
import { failedCallOf, failedCallText } from './failed-calls.js';

/** How to get an endpoint running, for every "cannot reach" message. */
export const startEndpointSuggestions = [
  'Start LocalStack with `docker compose up -d` (in the booksim repository),',
  'or the embedded endpoint with `npx booksim local` in another terminal,',
  'or point booksim elsewhere with --endpoint URL / AWS_ENDPOINT_URL.',
];

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Whether an error means nothing answered (refused, unresolvable, timed out), not that AWS said no. */
export function isUnreachable(error: unknown): boolean {
  const sdk = error as SdkError;
  if (sdk?.$metadata?.httpStatusCode !== undefined) return false;
  return typeof sdk?.code === 'string' || sdk?.name === 'TimeoutError' || sdk?.name === 'AbortError' || /ECONN|ENOTFOUND|EAI_AGAIN|socket hang up/.test(sdk?.message ?? '');
}

/** Why nothing answered, as the error says it: ECONNREFUSED, TimeoutError, … */
function unreachableReason(sdk: SdkError | undefined): string {
  return sdk?.code ?? sdk?.name ?? 'no answer';
}

/**
 * What AWS answered to a failed call, for a message: `answered <name>: <message>`, or `got
 * no answer (<reason>)` when nothing did; undefined for an error that is not the SDK's.
 */
export function awsAnswer(error: unknown): string | undefined {
  const sdk = error as SdkError;
  if (isUnreachable(error)) return `got no answer (${unreachableReason(sdk)})`;
  if (sdk?.$metadata) return `answered ${sdk.name}: ${firstLine(sdk.message)}`;
  return undefined;
}

/**
 * Turns an AWS SDK error into a {@link BooksimError} a user understands: what booksim was
 * doing (undefined: only checking the endpoint answers), against which endpoint (the one
 * the failed call went to, when booksim's clients made it; else `endpoint`), and what AWS
 * answered. Anything else is returned as is.
 */
export function awsFailure(error: unknown, doing: string | undefined, endpoint: string): unknown {
  if (error instanceof BooksimError) return error;
  const sdk = error as SdkError;
  const call = failedCallOf(error);
  const at = call?.endpoint ?? endpoint;
  if (isUnreachable(error)) {
    const during = doing === undefined ? '' : ` while trying to ${doing}`;
    return new BooksimError(`no AWS endpoint answers at ${at} (${unreachableReason(sdk)})${during}`, ExitCode.environment, startEndpointSuggestions);
  }
  if (sdk?.name === 'CredentialsProviderError') {
    return new BooksimError(`no AWS credentials for ${at}: ${sdk.message}`, ExitCode.environment, [
      'Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE; a local endpoint accepts test/test.',
    ]);
  }
  if (sdk?.$metadata && doing === undefined) {
    return new BooksimError(`the endpoint at ${at} answered, but not as AWS does (${sdk.name}: ${firstLine(sdk.message)})`, ExitCode.environment, [
      'Check the URL and port: is it LocalStack, booksim local or AWS?',
    ]);
  }
  if (sdk?.$metadata) {
    const answered = `${sdk.name}: ${firstLine(sdk.message)}`;
    const answer = call ? failedCallText(call, `answered ${answered}`) : answered;
    return new BooksimError(`could not ${doing}: ${answer} (endpoint ${at})`, ExitCode.environment);
  }
  return error;
}

/** SDK messages may run over several lines (deserialisation hints); a one-line error keeps the first. */
function firstLine(message: string | undefined): string {
  return (message ?? '').split('\n')[0]!.trim();
}
