import type { IncomingHttpHeaders } from 'node:http';
import { AwsError } from '../aws-error.js';
import type { JsonServiceWire, Operation } from '../json-protocol.js';
import { targetOperation } from '../router.js';
import { errorCode, type DynaliteError } from './dynalite.js';

/** How booksim's own DynamoDB operations (TTL, transactions) name their errors on the wire. */
export const dynamoDbWire: JsonServiceWire = {
  errorNamespace: 'com.amazonaws.dynamodb.v20120810',
  queryCompatible: false,
  // The shared parameter readers speak SQS's codes; DynamoDB calls every malformed request a ValidationException.
  renamedCodes: { MissingParameter: 'ValidationException', InvalidParameterValue: 'ValidationException' },
};

/** The API version booksim's own operations answer; requests of the 2011 one stay with dynalite. */
const dynamoDbApiVersion = 'DynamoDB_20120810';

export function validationException(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

/** A dynalite error (validation, missing table, …) as the AwsError booksim answers; anything else is rethrown. */
export function asAwsError(error: unknown): AwsError {
  const code = errorCode(error);
  const body = (error as DynaliteError).body;
  if (!code || !body) throw error;
  return new AwsError(code, body.message ?? body.Message ?? '', (error as DynaliteError).statusCode ?? 400);
}

/** True for a request of the 2012 API that names one of `operations`: one booksim answers itself, not dynalite. */
export function namesOperation(headers: IncomingHttpHeaders, operations: Record<string, Operation>): boolean {
  const target = headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(`${dynamoDbApiVersion}.`) && Object.hasOwn(operations, targetOperation(headers));
}
