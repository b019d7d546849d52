import { HttpError } from '../http.js';

/**
 * An error answered to an AWS client in its service's wire format. `code` is the error
 * shape name the SDK maps to an exception class; `queryCode` is the legacy query-protocol
 * code that AWS JSON services still send in `x-amzn-query-error` (SQS does).
 */
export class AwsError extends HttpError {
  constructor(
    code: string,
    message: string,
    status = 400,
    readonly queryCode = code,
    readonly senderFault = status < 500,
  ) {
    super(code, message, status);
    this.name = 'AwsError';
  }
}

/**
 * The same fault under the code another service gives it: the shared parameter readers
 * speak SQS's codes (MissingParameter, InvalidParameterValue), SNS and Step Functions
 * name them otherwise.
 */
export function renamed(error: AwsError, codes: Record<string, string>): AwsError {
  const code = codes[error.code];
  return code === undefined ? error : new AwsError(code, error.message, error.status);
}

/** A required parameter is absent. */
export function missingParameter(name: string): AwsError {
  return new AwsError('MissingParameter', `The request must contain the parameter ${name}.`);
}

/** A parameter has a value that AWS would refuse. */
export function invalidParameterValue(message: string): AwsError {
  return new AwsError('InvalidParameterValue', message);
}
