import { AwsError, renamed } from '../aws-error.js';

/** A parameter SNS refuses; AWS starts every such message with "Invalid parameter: ". */
export function invalidParameter(reason: string): AwsError {
  return new AwsError('InvalidParameter', `Invalid parameter: ${reason}`);
}

/** A topic or subscription that does not exist: NotFound, HTTP 404, as the SNS model says. */
export function notFound(message: string): AwsError {
  return new AwsError('NotFound', message, 404);
}

/** The shared readers (params.ts, message-attributes.ts) speak SQS's codes; SNS names the same faults so. */
const snsCodes: Record<string, string> = {
  MissingParameter: 'InvalidParameter',
  InvalidParameterValue: 'ParameterValueInvalid',
};

/** The error as SNS reports it: codes of the shared readers are renamed, the rest kept. */
export function asSnsError(error: AwsError): AwsError {
  return renamed(error, snsCodes);
}
