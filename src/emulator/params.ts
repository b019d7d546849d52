import { AwsError, invalidParameterValue, missingParameter } from './aws-error.js';

/** A decoded request: the JSON object (or decoded query form) a client sent. */
export type Params = Record<string, unknown>;

/** Reads an optional string parameter; a value of another type is refused. */
export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameterValue(`Value for parameter ${name} must be a string.`);
  return value;
}

/** Reads a required, non-empty string parameter. */
export function requiredString(params: Params, name: string): string {
  const value = optionalString(params, name);
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

/** Reads an optional integer within [min, max]; numeric strings are accepted (query protocol). */
export function optionalInteger(params: Params, name: string, min: number, max: number): number | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw invalidParameterValue(
      `Value ${JSON.stringify(value)} for parameter ${name} is invalid. Reason: Must be an integer from ${min} to ${max}.`,
    );
  }
  return number;
}

/** Reads an optional list parameter. */
export function optionalList(params: Params, name: string): unknown[] | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParameterValue(`Value for parameter ${name} must be a list.`);
  return value;
}

/** Reads an optional map parameter (a JSON object). */
export function optionalMap(params: Params, name: string): Params | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidParameterValue(`Value for parameter ${name} must be a map.`);
  }
  return value as Params;
}

/** The error a malformed batch gets; SQS also sends its legacy query code (`AWS.SimpleQueueService.…`). */
export function batchError(code: string, message: string, queryCodePrefix: string): AwsError {
  return new AwsError(code, message, 400, queryCodePrefix + code);
}

/**
 * Reads the entries of a batch request, enforcing the batch rules SQS and SNS share
 * (1–10 entries, distinct ids of 1–80 letters, digits, hyphens or underscores).
 */
export function batchEntries(params: Params, name: string, queryCodePrefix = ''): Params[] {
  const entries = optionalList(params, name) ?? [];
  if (entries.length === 0) throw batchError('EmptyBatchRequest', 'There should be at least one entry in the request.', queryCodePrefix);
  if (entries.length > 10) {
    throw batchError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${entries.length}.`, queryCodePrefix);
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) throw invalidParameterValue(`Each entry of ${name} must be a structure.`);
    const id = (entry as Params).Id;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw batchError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        queryCodePrefix,
      );
    }
    if (seen.has(id)) throw batchError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`, queryCodePrefix);
    seen.add(id);
  }
  return entries as Params[];
}
