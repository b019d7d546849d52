import { AwsError, renamed } from './aws-error.js';
import { jsonResponse, type RequestContext } from './http.js';
import type { HttpResponse } from '../http.js';
import type { Params } from './params.js';

/** An operation of a JSON-protocol service: decoded request in, response shape out. */
export type Operation = (params: Params, context: RequestContext) => Promise<unknown> | unknown;

/** How a JSON 1.0 service names its errors on the wire. */
export interface JsonServiceWire {
  /** Namespace of error shapes, e.g. `com.amazonaws.sqs`. */
  errorNamespace: string;
  /** Whether the service also sends the legacy query error code (`x-amzn-query-error`). */
  queryCompatible: boolean;
  /** Codes of the shared parameter readers that this service names otherwise. */
  renamedCodes?: Record<string, string>;
}

/**
 * Serves one request of the AWS JSON 1.0 protocol: decodes the body, runs the operation
 * named by X-Amz-Target, and encodes the result or the error as the SDK expects.
 */
export async function serveJson(
  wire: JsonServiceWire,
  operations: Record<string, Operation>,
  operationName: string,
  body: Buffer,
  context: RequestContext,
): Promise<HttpResponse> {
  const operation = Object.hasOwn(operations, operationName) ? operations[operationName] : undefined;
  if (!operation) {
    return coralError('UnknownOperationException', `Operation ${operationName} is not supported.`, context);
  }
  let params: unknown;
  try {
    params = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    return coralError('SerializationException', 'The request body is not valid JSON.', context);
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return coralError('SerializationException', 'The request body must be a JSON object.', context);
  }
  try {
    return jsonResponse(await operation(params as Params, context), context.requestId);
  } catch (thrown) {
    if (!(thrown instanceof AwsError)) throw thrown;
    const error = renamed(thrown, wire.renamedCodes ?? {});
    const response = jsonResponse({ __type: `${wire.errorNamespace}#${error.code}`, message: error.message }, context.requestId, error.status);
    if (wire.queryCompatible) {
      response.headers['x-amzn-query-error'] = `${error.queryCode};${error.senderFault ? 'Sender' : 'Receiver'}`;
    }
    return response;
  }
}

function coralError(code: string, message: string, context: RequestContext): HttpResponse {
  return jsonResponse({ __type: `com.amazon.coral.service#${code}`, message }, context.requestId, 400);
}
