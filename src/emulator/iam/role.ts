import type { Random } from '../../random.js';
import type { Tag } from './constraints.js';
import { urlEncodedPolicy } from './policy-document.js';

/** Default and bounds of a role's MaxSessionDuration, in seconds (1 to 12 hours). */
export const defaultMaxSessionDuration = 3600;
export const maxSessionDurationLimit = 43200;

/** A role as booksim keeps it: what CreateRole was given, its tags and its inline policies. */
export interface Role {
  name: string;
  path: string;
  id: string;
  arn: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** The trust policy as the client sent it (decoded JSON text). */
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  /** Inline policies by name, each the JSON text as sent. */
  policies: Map<string, string>;
}

/** The ARN of a role: `arn:aws:iam::<account>:role<path><name>`; IAM's ARNs name no region. */
export function roleArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:role${path}${name}`;
}

const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A role's unique id: `AROA` and 17 uppercase letters and digits, drawn from `random`. */
export function newRoleId(random: Random): string {
  let id = 'AROA';
  for (let i = 0; i < 17; i += 1) id += idAlphabet[Math.floor(random() * idAlphabet.length)];
  return id;
}

/** An instant as IAM writes it: ISO 8601 in UTC, to the second. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The Role structure of CreateRole and GetRole, members in the model's order, the trust
 * policy URL-encoded as AWS returns it. GetRole also answers RoleLastUsed, empty: booksim
 * never uses a role.
 */
export function describeRole(role: Role, withLastUsed = false): Record<string, unknown> {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: isoSeconds(role.createdAt),
    AssumeRolePolicyDocument: urlEncodedPolicy(role.assumeRolePolicyDocument),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    Tags: role.tags.length > 0 ? role.tags : undefined,
    RoleLastUsed: withLastUsed ? {} : undefined,
  };
}
