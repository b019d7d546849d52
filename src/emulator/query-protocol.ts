import { AwsError } from './aws-error.js';
import type { HttpResponse } from '../http.js';
import type { RequestContext } from './http.js';
import type { Operation } from './json-protocol.js';
import type { Params } from './params.js';
import type { FlattenedMember } from './query-form.js';
import { xmlElement } from './query-xml.js';

/** How a query-protocol service writes its answers. */
export interface QueryServiceWire {
  /** The namespace of every response document, e.g. `http://queue.amazonaws.com/doc/2012-11-05/`. */
  xmlns: string;
  /** The members of an action's result the service writes flattened (SQS); none by default. */
  flattened?: (action: string) => readonly FlattenedMember[];
  /** Actions whose response has no `<{Action}Result>` element (their API output is empty). */
  resultless?: ReadonlySet<string>;
  /** The error as this service reports it (its own codes and messages); unchanged by default. */
  errorOf?: (error: AwsError) => AwsError;
}

/**
 * Serves one query-protocol request: runs the operation the form's Action names and
 * answers `<{Action}Response>` with its result, or an `<ErrorResponse>` with the error's
 * query code, which the SDK maps to the model's exception. Never throws: a fault of
 * booksim itself is an InternalError (500).
 */
export async function serveQuery(
  wire: QueryServiceWire,
  operations: Record<string, Operation>,
  params: Params,
  context: RequestContext,
): Promise<HttpResponse> {
  const action = params.Action;
  if (typeof action !== 'string' || action === '') {
    return errorResponse(wire, new AwsError('MissingAction', 'The request must contain the parameter Action.'), context);
  }
  const operation = Object.hasOwn(operations, action) ? operations[action] : undefined;
  if (!operation) {
    return errorResponse(wire, new AwsError('InvalidAction', `The action ${action} is not valid for this endpoint.`), context);
  }
  try {
    const result = await operation(params, context);
    // An operation without output (SNS's answer undefined, SQS's are listed) has no Result element.
    const resultXml = result === undefined || wire.resultless?.has(action) ? '' : xmlElement(`${action}Result`, result, wire.flattened?.(action));
    const body = resultXml + xmlElement('ResponseMetadata', { RequestId: context.requestId });
    return xmlResponse(200, `<${action}Response xmlns="${wire.xmlns}">${body}</${action}Response>`, context);
  } catch (error) {
    if (error instanceof AwsError) return errorResponse(wire, error, context);
    return errorResponse(wire, new AwsError('InternalError', error instanceof Error ? error.message : String(error), 500), context);
  }
}

function errorResponse(wire: QueryServiceWire, thrown: AwsError, context: RequestContext): HttpResponse {
  const error = wire.errorOf?.(thrown) ?? thrown;
  const detail = xmlElement('Error', { Type: error.senderFault ? 'Sender' : 'Receiver', Code: error.queryCode, Message: error.message });
  const body = `<ErrorResponse xmlns="${wire.xmlns}">${detail}${xmlElement('RequestId', context.requestId)}</ErrorResponse>`;
  return xmlResponse(error.status, body, context);
}

function xmlResponse(status: number, body: string, context: RequestContext): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': context.requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
  };
}
