import type { HttpResponse } from '../../http.js';
import type { RequestContext } from '../http.js';
import type { Operation } from '../json-protocol.js';
import type { Params } from '../params.js';
import { serveQuery, type QueryServiceWire } from '../query-protocol.js';
import { asSnsError } from './sns-errors.js';
import type { SnsService } from './sns-service.js';

/** SNS's query wire: its namespace, and errors under SNS's own codes. */
const snsWire: QueryServiceWire = { xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/', errorOf: asSnsError };

/**
 * Serves one SNS query-protocol request: runs the operation the form's Action names and
 * answers `<{Action}Response>` with its result, or an `<ErrorResponse>` the SDK maps to
 * the model's exception. Never throws: a fault of booksim itself is an InternalError (500).
 */
export function serveSnsQuery(operations: Record<string, Operation>, params: Params, context: RequestContext): Promise<HttpResponse> {
  return serveQuery(snsWire, operations, params, context);
}

/**
 * The certificate that verifies standard topics' notification signatures, PEM-encoded,
 * as AWS serves its own at a notification's SigningCertURL.
 */
export function serveSigningCertificate(service: SnsService, context: RequestContext): HttpResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-pem-file', 'x-amzn-requestid': context.requestId },
    body: service.signingKey.certificatePem,
  };
}
