import type { HttpResponse } from '../../http.js';
import { renamed, type AwsError } from '../aws-error.js';
import type { RequestContext } from '../http.js';
import type { Operation } from '../json-protocol.js';
import type { Params } from '../params.js';
import { serveQuery, type QueryServiceWire } from '../query-protocol.js';

/** The shared readers speak SQS's codes; IAM reports a missing or malformed parameter as a ValidationError. */
const iamCodes: Record<string, string> = { MissingParameter: 'ValidationError', InvalidParameterValue: 'ValidationError' };

/** IAM's query wire (API version 2010-05-08): its namespace, and errors under IAM's codes. */
const iamWire: QueryServiceWire = {
  xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
  errorOf: (error: AwsError) => renamed(error, iamCodes),
};

/**
 * Serves one IAM query-protocol request: runs the operation the form's Action names and
 * answers `<{Action}Response>` (with no Result element for the operations without output),
 * or an `<ErrorResponse>` whose Code the SDK maps to the model's exception. Never throws.
 */
export function serveIamQuery(operations: Record<string, Operation>, params: Params, context: RequestContext): Promise<HttpResponse> {
  return serveQuery(iamWire, operations, params, context);
}
