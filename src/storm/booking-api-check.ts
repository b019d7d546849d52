import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { stateMachineHeader } from '../api/booking-server.js';
import { stackNames } from '../deploy/stack.js';
import { BooksimError, ExitCode } from '../errors.js';

/** How long {@link checkBookingApi} waits for the booking API's answer. */
const apiCheckTimeoutMs = 5_000;

/** The booking that {@link checkBookingApi} asks for: well-formed, so that the API looks it up in its stack's table, and of no booking (no requestId hashes to twenty zeros). */
const absentBooking = `B${'0'.repeat(20)}`;

/**
 * Checks that a booking API served elsewhere (`storm --api URL`) answers as one, before
 * anything starts: `GET URL/bookings/<an id no booking has>` must answer 404 with the
 * booking API's JSON, once the API has looked it up in its stack's bookings table, and
 * name the stack's state machine in its header (an API of another stack, or on another
 * endpoint's region or account, would take the load for the wrong stack). Anything else
 * (no answer in a few seconds, another server, the API failing to read its stack) is an
 * environment error in one line that names the URL and what to check.
 */
export async function checkBookingApi(url: string, stack: string): Promise<void> {
  const target = new URL(`/bookings/${absentBooking}`, url);
  const check = `is booksim worker --stack ${stack} --api-port N serving it, on this endpoint?`;
  const refuse = (what: string) => new BooksimError(`the booking API at ${url} ${what}: ${check}`, ExitCode.environment);
  let answer: { status: number; text: string; headers: IncomingHttpHeaders };
  try {
    answer = await getText(target, apiCheckTimeoutMs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(`does not answer (${code ?? (error instanceof Error ? error.message : String(error))})`);
  }
  let body: { error?: unknown; message?: unknown } | undefined;
  try {
    body = JSON.parse(answer.text) as typeof body;
  } catch {
    body = undefined;
  }
  if (answer.status === 404 && body?.error === 'NotFound') {
    const served = answer.headers[stateMachineHeader];
    if (typeof served === 'string' && served.endsWith(`:stateMachine:${stackNames(stack).stateMachine}`)) return;
    throw refuse(`serves another stack (its state machine: ${typeof served === 'string' ? served : 'not named'})`);
  }
  const said = typeof body?.message === 'string' ? `: ${body.message.replace(/\.$/, '')}` : '';
  throw refuse(`answered GET ${target.pathname} with ${answer.status}${said}, not the booking API's 404`);
}

/** One GET with node:http, as the load sends its requests (src/load/run-load.ts), within `timeoutMs` for the whole answer. */
function getText(url: URL, timeoutMs: number): Promise<{ status: number; text: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    // A connection of its own: a kept-alive one of an earlier check may be to a server gone since.
    const req = httpGet(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer in ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
  });
}
