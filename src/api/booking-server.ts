import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bookingIdFor, createBooking, getBookingView, ValidationError } from '../functions/booking-api.js';
import { directBooking } from '../functions/direct-chain.js';
import type { FunctionContext } from '../functions/model.js';
import type { BookingRequest } from '../model/booking.js';
import { BooksimError, ExitCode } from '../errors.js';
import { HttpError, readBody, writeResponse, type HttpResponse } from '../http.js';
import { withBooking } from '../runtime/call-counter.js';

/** Runs one request's work as one Lambda invocation (src/runtime/usage-meter.ts UsageMeter.invocation); by default it only runs it. */
export type Invocation = <T>(handler: () => Promise<T>) => Promise<T>;

/** The booking API as a client sees it (API Gateway + Lambda in the original design). */
export interface BookingServer {
  url: string;
  close(): Promise<void>;
}

/** The header every answer carries: the state machine of the stack the API serves, so that a client can tell which stack it reached (storm --api checks it). */
export const stateMachineHeader = 'x-booksim-state-machine';

/** The booking a `POST /bookings` body is for, when it has a requestId to derive it from (a malformed one is refused before any call). */
function bookingOf(request: unknown): string | undefined {
  const requestId = (request as { requestId?: unknown } | null)?.requestId;
  return typeof requestId === 'string' ? bookingIdFor(requestId) : undefined;
}

/**
 * Serves `POST /bookings` (202 with the bookingId; a retry with the same requestId gets
 * the same one; in the direct-chain topology once the chain is done, with the final
 * status) and `GET /bookings/:id` on 127.0.0.1, calling the booking-API function.
 * A POST runs in the scope of its booking ({@link withBooking}), so counted clients
 * attribute its calls to it; each request's work runs through `invocation`, which a
 * usage meter times as one invocation of the booking-API function.
 */
export async function startBookingServer(context: FunctionContext, { port = 0, invocation = (handler) => handler() }: { port?: number; invocation?: Invocation } = {}): Promise<BookingServer> {
  const json = (status: number, body: unknown): HttpResponse => ({
    status,
    headers: { 'content-type': 'application/json', [stateMachineHeader]: context.resources.stateMachineArn },
    body: JSON.stringify(body),
  });
  const direct = context.resources.topology === 'direct-chain' ? directBooking(context) : undefined;
  const create = (request: BookingRequest) => (direct ? direct(request) : createBooking(request, context));
  async function route(req: IncomingMessage): Promise<HttpResponse> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'POST' && path === '/bookings') {
      let request: unknown;
      try {
        request = JSON.parse((await readBody(req)).toString('utf8'));
      } catch (error) {
        if (error instanceof HttpError) throw error;
        return json(400, { error: 'InvalidRequest', message: 'The body must be JSON.' });
      }
      return json(202, await withBooking(bookingOf(request), () => invocation(() => create(request as BookingRequest))));
    }
    const booking = /^\/bookings\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && booking) {
      const view = await invocation(() => getBookingView(decodeURIComponent(booking[1]!), context));
      return view ? json(200, view) : json(404, { error: 'NotFound', message: 'No such booking.' });
    }
    return json(404, { error: 'NotFound', message: `${req.method} ${path} is not an endpoint of the booking API.` });
  }

  const server = createServer((req, res) => {
    route(req)
      .catch((error: unknown) => {
        if (error instanceof ValidationError) return json(400, { error: 'InvalidRequest', message: error.message });
        if (error instanceof HttpError) return json(error.status, { error: error.code, message: error.message });
        return json(500, { error: 'InternalError', message: error instanceof Error ? error.message : String(error) });
      })
      .then((response) => writeResponse(res, response));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new BooksimError(`the booking API cannot listen on 127.0.0.1:${port}: ${error.message}`, ExitCode.environment)));
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
