import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { AwsError } from '../aws-error.js';

/** "A client token is valid for 10 minutes after the request that uses it finishes" (Developer Guide, Transactions: Idempotency). */
const clientTokenWindowMs = 10 * 60 * 1000;

/**
 * The ClientRequestTokens of TransactWriteItems: a request repeated under the token of one
 * that succeeded in the last ten minutes succeeds again without making any change; the
 * same token with other parameters is refused. A token whose transaction failed is
 * forgotten, so that retrying it runs it again. The SDKs give every request a token, so
 * only a digest of each request is kept.
 */
export class ClientTokens {
  /** Digests of the requests under way, by token. */
  private readonly running = new Map<string, string>();
  /** Digests of the requests that succeeded, by token, in completion order, which is expiry order. */
  private readonly succeeded = new Map<string, { digest: string; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  /**
   * Starts `request` under `token`. Answers true if it repeats one that succeeded (nothing
   * is to be done); throws if the token belongs to another request or to one still running.
   */
  begin(token: string, request: unknown): boolean {
    this.forgetExpired();
    const digest = digestOf(request);
    const done = this.succeeded.get(token);
    const earlier = done?.digest ?? this.running.get(token) ?? digest;
    if (earlier !== digest) {
      // The model's description of the error (dynamodb.service-2.json).
      throw new AwsError(
        'IdempotentParameterMismatchException',
        'DynamoDB rejected the request because you retried a request with a different payload but with an idempotent token that was already used.',
      );
    }
    if (done) return true;
    if (this.running.has(token)) throw new AwsError('TransactionInProgressException', 'Transaction from previous request is still in progress');
    this.running.set(token, digest);
    return false;
  }

  /** The request under `token` ended: remembered for ten minutes if it succeeded, else forgotten. */
  end(token: string, success: boolean): void {
    const digest = this.running.get(token);
    this.running.delete(token);
    if (success && digest) this.succeeded.set(token, { digest, expiresAt: this.clock.now() + clientTokenWindowMs });
  }

  private forgetExpired(): void {
    const now = this.clock.now();
    for (const [token, { expiresAt }] of this.succeeded) {
      if (expiresAt > now) break;
      this.succeeded.delete(token);
    }
  }
}

/** A digest of a request that does not depend on the order of its members. */
function digestOf(request: unknown): string {
  const sorted = (_key: string, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : value;
  return createHash('sha256').update(JSON.stringify(request, sorted)).digest('hex');
}
