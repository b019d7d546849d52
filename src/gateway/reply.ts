/** An answer of the gateway before it is written: status and JSON body. */
export interface GatewayReply {
  status: number;
  body: Record<string, unknown>;
}

/** How the transport must answer a request. */
export type Delivery =
  | { type: 'respond'; reply: GatewayReply; replayed: boolean; delayMs: number }
  /** Never answer: keep the connection open until the client or the gateway closes it. */
  | { type: 'hang' };

/** A delivery that answers `reply`, `delayMs` late on the gateway's clock. */
export function respond(reply: GatewayReply, delayMs = 0, replayed = false): Delivery {
  return { type: 'respond', reply, replayed, delayMs };
}

/** The gateway's error body: a stable code for programs, a message for people. */
export function errorReply(status: number, error: string, message?: string, extra: Record<string, unknown> = {}): GatewayReply {
  return { status, body: { error, ...(message === undefined ? {} : { message }), ...extra } };
}

/** A request the gateway refuses before doing anything (bad input, unknown path). */
export class GatewayRequestError extends Error {
  constructor(readonly reply: GatewayReply) {
    super(String(reply.body.message ?? reply.body.error));
    this.name = 'GatewayRequestError';
  }
}

/** Throws a {@link GatewayRequestError} for a 400 with code InvalidRequest. */
export function invalidRequest(message: string): never {
  throw new GatewayRequestError(errorReply(400, 'InvalidRequest', message));
}
