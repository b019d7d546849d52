import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock, type Timer } from '../clock.js';
import { HttpError, readBody, writeResponse } from '../http.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { FaultEvent, FaultPolicy, FaultRequest } from './fault-policy.js';
import { Ledger, type LedgerEntry } from './ledger.js';
import { LedgerFile } from './ledger-file.js';
import { PaymentGateway } from './payment-gateway.js';
import { errorReply, GatewayRequestError, invalidRequest, respond, type Delivery, type GatewayReply } from './reply.js';
import { idempotencyKeyOf, parseJsonObject } from './requests.js';
import { StatsCounter, type GatewayStats } from './stats.js';

export interface GatewayOptions {
  /** Address to bind. Only 127.0.0.1 is accepted: the simulated gateway serves this machine only. */
  host?: string;
  /** Port to listen on; default 0, a free one. */
  port?: number;
  /** Time for ledger entries, fault events and delays; default the system clock. */
  clock?: Clock;
  /** Where to append the ledger as JSON lines while it grows; must not exist yet. */
  ledgerFile?: string;
  /** Faults to inject; default none. */
  policy?: FaultPolicy;
  /** Told of every injected fault, before its effect: the run's fault log. */
  onFault?: (event: FaultEvent) => void;
}

/** A running simulated payment gateway. */
export interface Gateway {
  /** Base URL, e.g. http://127.0.0.1:41234. */
  url: string;
  /** The ledger so far, as copies. */
  ledger(): LedgerEntry[];
  /** Requests and replays so far. */
  stats(): GatewayStats;
  /** Requests received and not yet answered (hanging ones included, until their client gives up). */
  inFlight(): number;
  /** Replaces the fault policy for requests from now on; undefined injects nothing. */
  setPolicy(policy: FaultPolicy | undefined): void;
  /** Stops listening, drops every connection (hanging requests included), cancels delayed answers, closes the ledger file. */
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, pathParameter: string) => Delivery | Promise<Delivery>;

interface Route {
  method: string;
  /** Matches the path; its first group, if any, is passed to the handler. */
  path: RegExp;
  /** The name stats counts under. */
  endpoint: string;
  handle: Handler;
}

/**
 * Starts the simulated payment gateway (Stripe-like, with Idempotency-Key) on 127.0.0.1:
 * `POST /charges`, `POST /refunds`, `GET /charges/:bookingId`, `GET /ledger`,
 * `GET /health`. Creates the ledger file when one is given. Throws a BooksimError when
 * the host is not 127.0.0.1, the ledger file exists or the port cannot be bound.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (host !== '127.0.0.1') throw new BooksimError(`the payment gateway binds 127.0.0.1 only, not ${host}.`);
  const clock = options.clock ?? systemClock;
  const ledger = new Ledger(clock, options.ledgerFile === undefined ? undefined : LedgerFile.create(options.ledgerFile));
  const gateway = new PaymentGateway({ clock, ledger, policy: options.policy, onFault: options.onFault });
  const stats = new StatsCounter();
  const delayed = new Set<Timer>();

  const submit = (kind: FaultRequest['kind']): Handler => async (req) => {
    const body = await readBody(req);
    return gateway.submit(kind, idempotencyKeyOf(req.headers), parseJsonObject(body));
  };
  const routes: Route[] = [
    { method: 'POST', path: /^\/charges$/, endpoint: 'POST /charges', handle: submit('charge') },
    { method: 'POST', path: /^\/refunds$/, endpoint: 'POST /refunds', handle: submit('refund') },
    { method: 'GET', path: /^\/charges\/([^/]+)$/, endpoint: 'GET /charges/:bookingId', handle: (_req, id) => respond({ status: 200, body: { ...ledger.money(decoded(id)) } }) },
    { method: 'GET', path: /^\/ledger$/, endpoint: 'GET /ledger', handle: () => respond({ status: 200, body: { entries: ledger.all() } }) },
    { method: 'GET', path: /^\/health$/, endpoint: 'GET /health', handle: () => respond({ status: 200, body: { ok: true } }) },
  ];

  function deliver(res: ServerResponse, delivery: Delivery): void {
    if (delivery.type === 'hang') return; // the socket stays open until the client gives up or close() drops it
    const headers: Record<string, string> = delivery.replayed ? { 'Idempotent-Replayed': 'true' } : {};
    if (delivery.delayMs <= 0) return send(res, delivery.reply, headers);
    const timer = clock.setTimer(delivery.delayMs, () => {
      delayed.delete(timer);
      send(res, delivery.reply, headers);
    });
    delayed.add(timer);
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const matches = routes.filter((r) => r.path.test(path));
    const route = matches.find((r) => r.method === req.method);
    let replayed = false;
    try {
      if (!route) {
        if (matches.length === 0) return send(res, errorReply(404, 'NotFound', `no route for ${path}.`));
        const allow = matches.map((r) => r.method).join(', ');
        return send(res, errorReply(405, 'MethodNotAllowed', `${path} takes ${allow}.`), { allow });
      }
      const delivery = await route.handle(req, route.path.exec(path)?.[1] ?? '');
      replayed = delivery.type === 'respond' && delivery.replayed;
      deliver(res, delivery);
    } catch (error) {
      send(res, replyForError(error));
    } finally {
      stats.count(route?.endpoint ?? 'unmatched', replayed);
    }
  }

  let inFlight = 0;
  const server = createServer((req, res) => {
    inFlight += 1;
    res.once('close', () => (inFlight -= 1));
    void serve(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new BooksimError(`the payment gateway cannot listen on ${host}:${port}: ${error.message}`, ExitCode.environment)));
    server.listen(port, host, () => resolve());
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    ledger: () => ledger.all(),
    stats: () => stats.snapshot(),
    inFlight: () => inFlight,
    setPolicy: (policy) => gateway.setPolicy(policy),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const timer of delayed) timer.cancel();
        delayed.clear();
        server.close(() => {
          ledger.close();
          resolve();
        });
        server.closeAllConnections();
      })),
  };
}

/** Writes a JSON reply, unless the client has gone meanwhile (a delayed answer). */
function send(res: ServerResponse, reply: GatewayReply, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  writeResponse(res, { status: reply.status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(reply.body) });
}

function decoded(pathSegment: string): string {
  try {
    return decodeURIComponent(pathSegment);
  } catch {
    return invalidRequest(`the path segment ${pathSegment} is not valid percent-encoding.`);
  }
}

function replyForError(error: unknown): GatewayReply {
  if (error instanceof GatewayRequestError) return error.reply;
  // readBody refuses an oversized body with a 413 HttpError.
  if (error instanceof HttpError) return errorReply(error.status, error.code, error.message);
  return errorReply(500, 'InternalError', error instanceof Error ? error.message : String(error));
}
