import { onTestFinished } from 'vitest';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/gateway/server.js';

/** Starts a gateway on a free port for one test and closes it when the test ends. */
export async function gatewayFor(options: GatewayOptions = {}): Promise<Gateway> {
  const gateway = await startGateway(options);
  onTestFinished(() => gateway.close());
  return gateway;
}

/** A gateway answer, read whole. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  replayed: boolean;
}

/** POSTs `body` as JSON (a string is sent as it is) under the Idempotency-Key `key`, if any. */
export async function post(gateway: Gateway, path: string, body: unknown, key?: string, signal?: AbortSignal): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) };
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return answerOf(await fetch(gateway.url + path, { method: 'POST', headers, body: text, signal }));
}

/** GETs `path`. */
export async function get(gateway: Gateway, path: string): Promise<Answer> {
  return answerOf(await fetch(gateway.url + path));
}

async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, replayed: response.headers.get('idempotent-replayed') === 'true' };
}

/** A charge request body. */
export const charge = (bookingId: string, amount = 4200) => ({ bookingId, amount });
