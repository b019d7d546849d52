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

/** Reads the entries of a batch request, enforcing AWS's batch rules (1–10 entries, distinct valid ids). */
export function batchEntries(params: Params, name: string, errors: BatchErrorCodes): Params[] {
  const entries = optionalList(params, name) ?? [];
  if (entries.length === 0) throw new AwsError(errors.empty, 'There should be at least one entry in the request.');
  if (entries.length > 10) {
    throw new AwsError(errors.tooMany, `Maximum number of entries per request are 10. You have sent ${entries.length}.`);
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) throw invalidParameterValue(`Each entry of ${name} must be a structure.`);
    const id = (entry as Params).Id;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw new AwsError(
        errors.invalidId,
        `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.`,
      );
    }
    if (seen.has(id)) throw new AwsError(errors.notDistinct, `Id ${id} repeated.`);
    seen.add(id);
  }
  return entries as Params[];
}

/** The error codes a service uses for malformed batches. */
export interface BatchErrorCodes {
  empty: string;
  tooMany: string;
  invalidId: string;
  notDistinct: string;
}
