import type { GatewayReply } from './reply.js';

/** What the store knows of a key for a given request. */
export type KeyLookup =
  | { state: 'new' }
  | { state: 'replay'; reply: GatewayReply }
  | { state: 'conflict' };

/**
 * Idempotency keys as Stripe keeps them: the first result under a key is stored with a
 * fingerprint of its request and replayed for the same request; the same key with
 * another request (other body or other endpoint) is a conflict. Keys live as long as
 * the gateway: a run is far shorter than Stripe's 24 hours.
 */
export class IdempotencyStore {
  private readonly results = new Map<string, { fingerprint: string; reply: GatewayReply }>();
  private readonly attempts = new Map<string, number>();

  /** Counts one more request under `key` and returns its number, from 1. */
  nextAttempt(key: string): number {
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    return attempt;
  }

  lookup(key: string, fingerprint: string): KeyLookup {
    const stored = this.results.get(key);
    if (!stored) return { state: 'new' };
    return stored.fingerprint === fingerprint ? { state: 'replay', reply: stored.reply } : { state: 'conflict' };
  }

  /** Stores the result of the key's request; later requests under the key get it replayed. */
  save(key: string, fingerprint: string, reply: GatewayReply): void {
    this.results.set(key, { fingerprint, reply });
  }
}
