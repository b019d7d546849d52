import type { HttpResponse } from '../http.js';

/** Who asked and where: the parts of a request every service needs to name its resources. */
export interface RequestContext {
  region: string;
  accountId: string;
  /** The origin the client used (scheme, host and port), so that returned URLs lead back here. */
  origin: string;
  requestId: string;
  /**
   * Aborted when the client goes away before its answer is written. A long poll checks it
   * before it takes anything, so a client that gave up (a stopped worker) cannot leave a
   * message in flight or a task started that nobody will ever see.
   */
  clientGone?: AbortSignal;
}

/** A JSON 1.0 protocol answer (SQS, Step Functions, DynamoDB). */
export function jsonResponse(body: unknown, requestId: string, status = 200): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
    body: JSON.stringify(body ?? {}),
  };
}
