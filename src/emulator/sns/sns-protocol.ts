import { AwsError } from '../aws-error.js';
import type { HttpResponse } from '../../http.js';
import type { RequestContext } from '../http.js';
import type { Params } from '../params.js';
import { xmlElement } from './query-xml.js';
import { asSnsError } from './sns-errors.js';
import type { SnsService } from './sns-service.js';

const xmlns = 'http://sns.amazonaws.com/doc/2010-03-31/';

/**
 * Serves one SNS query-protocol request: runs the operation the form's Action names and
 * answers `<{Action}Response>` with its result, or an `<ErrorResponse>` the SDK maps to
 * the model's exception. Never throws: a fault of booksim itself is an InternalError (500).
 */
export async function serveSnsQuery(service: SnsService, params: Params, context: RequestContext): Promise<HttpResponse> {
  const action = params.Action;
  if (typeof action !== 'string' || action === '') {
    return errorResponse(new AwsError('MissingAction', 'The request must contain the parameter Action.'), context);
  }
  const operation = Object.hasOwn(service.operations, action) ? service.operations[action] : undefined;
  if (!operation) {
    return errorResponse(new AwsError('InvalidAction', `The action ${action} is not valid for this endpoint.`), context);
  }
  try {
    const result = await operation(params, context);
    const body = xmlElement(`${action}Result`, result) + xmlElement('ResponseMetadata', { RequestId: context.requestId });
    return xmlResponse(200, `<${action}Response xmlns="${xmlns}">${body}</${action}Response>`, context);
  } catch (error) {
    if (error instanceof AwsError) return errorResponse(asSnsError(error), context);
    return errorResponse(new AwsError('InternalError', error instanceof Error ? error.message : String(error), 500), context);
  }
}

function errorResponse(error: AwsError, context: RequestContext): HttpResponse {
  const detail = xmlElement('Error', { Type: error.senderFault ? 'Sender' : 'Receiver', Code: error.code, Message: error.message });
  const body = `<ErrorResponse xmlns="${xmlns}">${detail}${xmlElement('RequestId', context.requestId)}</ErrorResponse>`;
  return xmlResponse(error.status, body, context);
}

function xmlResponse(status: number, body: string, context: RequestContext): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': context.requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
  };
}
