import { malformedPolicyDocument } from './iam-errors.js';

/** Most characters a role's inline policies may have together, whitespace not counted (IAM quotas). */
export const maxInlinePolicyChars = 10240;

/**
 * Checks that a policy document is a JSON object, as IAM requires before it looks at the
 * policy's grammar; MalformedPolicyDocument otherwise. booksim never evaluates policies,
 * so their statements are kept as given and not checked.
 */
export function checkPolicyDocument(document: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw malformedPolicyDocument('This policy contains invalid Json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformedPolicyDocument('Syntax errors in policy.');
}

/** How much of the inline-policy quota a (valid) document takes: its characters outside whitespace between JSON tokens. */
export function policySize(document: string): number {
  return JSON.stringify(JSON.parse(document)).length;
}

/**
 * A policy document as IAM returns it: URL-encoded according to RFC 3986, every character
 * but the unreserved ones (letters, digits, `-._~`) percent-encoded as UTF-8.
 */
export function urlEncodedPolicy(document: string): string {
  return encodeURIComponent(document).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
