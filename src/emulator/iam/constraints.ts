import type { Params } from '../params.js';
import { validationError } from './iam-errors.js';

/** A constraint of the IAM model on a string member: its length and, as AWS words it, its pattern. */
export interface StringConstraint {
  min: number;
  max: number;
  pattern: RegExp;
  /** The pattern as the model (and AWS's error message) writes it. */
  patternText: string;
}

/** Role and inline policy names: 1–64 (roles) or 1–128 (policies) word characters and `+=,.@-`. */
export const roleName: StringConstraint = { min: 1, max: 64, pattern: /^[\w+=,.@-]*$/, patternText: '[\\w+=,.@-]+' };
export const policyName: StringConstraint = { ...roleName, max: 128 };
/** `/` alone, or printable ASCII between two slashes. */
export const path: StringConstraint = { min: 1, max: 512, pattern: /^(\/|\/[\x21-\x7e]+\/)$/, patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)' };
/** A path prefix of ListRoles: a slash and printable ASCII (or DEL) after it. */
export const pathPrefix: StringConstraint = { min: 1, max: 512, pattern: /^\/[\x21-\x7f]*$/, patternText: '\\u002F[\\u0021-\\u007F]*' };
/** A policy document's characters: tab, LF, CR and U+0020–U+00FF. */
export const policyDocument: StringConstraint = {
  min: 1,
  max: 131072,
  pattern: /^[\t\n\r\x20-\xff]*$/,
  patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
};
export const description: StringConstraint = {
  min: 0,
  max: 1000,
  pattern: /^[\t\n\r\x20-\x7e\xa1-\xff]*$/,
  patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*',
};
export const tagKey: StringConstraint = { min: 1, max: 128, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+' };
export const tagValue: StringConstraint = { min: 0, max: 256, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*' };
export const marker: StringConstraint = { min: 1, max: 320, pattern: /^[\x20-\xff]*$/, patternText: '[\\u0020-\\u00FF]+' };

/** Most tags a request may carry (and a role may have). */
export const maxTags = 50;

/** A tag of a role, as the API spells it. */
export interface Tag {
  Key: string;
  Value: string;
}

/**
 * Checks a request's members against the IAM model's constraints and collects every
 * failure, so that one ValidationError names them all as AWS does: "2 validation errors
 * detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy
 * regular expression pattern: [\w+=,.@-]+; Value null at 'assumeRolePolicyDocument' …".
 * Members are named in lower camel case, list items by their position from 1.
 */
export class Constraints {
  private readonly failures: string[] = [];

  constructor(private readonly params: Params) {}

  /** A required string member; undefined (and a failure noted) when it is absent or breaks its constraint. */
  required(name: string, constraint: StringConstraint): string | undefined {
    const value = this.params[name];
    if (value === undefined || value === null) {
      this.fail(null, memberName(name), 'Member must not be null');
      return undefined;
    }
    return this.string(value, memberName(name), constraint);
  }

  /** An optional string member. */
  optional(name: string, constraint: StringConstraint): string | undefined {
    const value = this.params[name];
    return value === undefined || value === null ? undefined : this.string(value, memberName(name), constraint);
  }

  /** An optional integer member within [min, max]. */
  integer(name: string, min: number, max: number): number | undefined {
    const value = this.params[name];
    if (value === undefined || value === null) return undefined;
    const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number)) this.fail(value, memberName(name), 'Member must be an integer');
    else if (number < min) this.fail(value, memberName(name), `Member must have value greater than or equal to ${min}`);
    else if (number > max) this.fail(value, memberName(name), `Member must have value less than or equal to ${max}`);
    else return number;
    return undefined;
  }

  /** A list of tags (`Tags.member.N.Key/Value`); at most {@link maxTags}, each key and value checked. */
  tags(name: string, required: boolean): Tag[] {
    const items = this.list(name, required);
    const tags: Tag[] = [];
    items.forEach((item, index) => {
      const at = `${memberName(name)}.${index + 1}.member`;
      const entry = typeof item === 'object' && item !== null ? (item as Params) : {};
      const key = entry.Key === undefined ? this.fail(null, `${at}.key`, 'Member must not be null') : this.string(entry.Key, `${at}.key`, tagKey);
      const value = entry.Value === undefined ? this.fail(null, `${at}.value`, 'Member must not be null') : this.string(entry.Value, `${at}.value`, tagValue);
      if (key !== undefined && value !== undefined) tags.push({ Key: key, Value: value });
    });
    return tags;
  }

  /** A list of tag keys (`TagKeys.member.N`). */
  tagKeys(name: string): string[] {
    const keys: string[] = [];
    this.list(name, true).forEach((item, index) => {
      const key = this.string(item, `${memberName(name)}.${index + 1}.member`, tagKey);
      if (key !== undefined) keys.push(key);
    });
    return keys;
  }

  /** Throws the ValidationError naming every failure noted, if any. */
  check(): void {
    const count = this.failures.length;
    if (count === 0) return;
    throw validationError(`${count} validation error${count === 1 ? '' : 's'} detected: ${this.failures.join('; ')}`);
  }

  private list(name: string, required: boolean): unknown[] {
    const value = this.params[name];
    // The query protocol sends an empty list as `Name=` (an empty string).
    const items = value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : undefined;
    if (items === undefined) {
      this.fail(value, memberName(name), 'Member must be a list');
      return [];
    }
    if (required && value === undefined) this.fail(null, memberName(name), 'Member must not be null');
    if (items.length > maxTags) this.fail(`[${items.length} items]`, memberName(name), `Member must have length less than or equal to ${maxTags}`);
    return items.slice(0, maxTags);
  }

  private string(value: unknown, at: string, constraint: StringConstraint): string | undefined {
    if (typeof value !== 'string') this.fail(String(value), at, 'Member must be a string');
    else if (value.length < constraint.min) this.fail(value, at, `Member must have length greater than or equal to ${constraint.min}`);
    else if (value.length > constraint.max) this.fail(value, at, `Member must have length less than or equal to ${constraint.max}`);
    else if (!constraint.pattern.test(value)) this.fail(value, at, `Member must satisfy regular expression pattern: ${constraint.patternText}`);
    else return value;
    return undefined;
  }

  private fail(value: unknown, at: string, reason: string): undefined {
    const shown = value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
    this.failures.push(`Value ${shown} at '${at}' failed to satisfy constraint: ${reason}`);
    return undefined;
  }
}

/** The name AWS's validation messages give a member: `RoleName` → `roleName`. */
export function memberName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
