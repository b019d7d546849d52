import type { Params } from '../params.js';

/**
 * Names as Step Functions' AWS SDK integrations use them. Parameters and results are
 * PascalCase even where the service's own API is camelCase (Step Functions'); errors are
 * `<Service>.<Code>Exception` with the service in PascalCase, and the cause carries the
 * SDK's suffix. See "Using AWS SDK service integrations" in the Step Functions guide.
 */

const pascalServices: Record<string, string> = { sfn: 'Sfn', sqs: 'Sqs', sns: 'Sns', dynamodb: 'DynamoDb' };

/** `Sfn.InvalidTokenException`, `Sqs.QueueDoesNotExistException`. */
export function awsSdkErrorName(service: string, code: string): string {
  return `${pascalService(service)}.${withException(code)}`;
}

/** Step Functions names every integration error with the `Exception` suffix, even where the service does not. */
export function withException(code: string): string {
  return code.endsWith('Exception') ? code : `${code}Exception`;
}

/** The cause AWS records for a failed SDK call: `Invalid Token: '…' (Service: Sfn, Status Code: 400, Request ID: …)`. */
export function awsSdkCause(service: string, message: string, status: number, requestId: string): string {
  return `${message} (Service: ${pascalService(service)}, Status Code: ${status}, Request ID: ${requestId})`;
}

function pascalService(service: string): string {
  return pascalServices[service] ?? service[0]!.toUpperCase() + service.slice(1);
}

/** A state's PascalCase parameters as Step Functions' camelCase API names them (top level: the fields the API reads). */
export function toApiNames(params: Params): Params {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key[0]!.toLowerCase() + key.slice(1), value]));
}

/**
 * An API result as a state sees it: PascalCase names, and dates (the API's epoch seconds)
 * in epoch milliseconds, as AWS hands them to the state.
 */
export function toStatesNames(result: Params): Params {
  return Object.fromEntries(
    Object.entries(result).map(([key, value]) => [
      key[0]!.toUpperCase() + key.slice(1),
      key.endsWith('Date') && typeof value === 'number' ? Math.round(value * 1000) : value,
    ]),
  );
}
