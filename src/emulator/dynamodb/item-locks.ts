import type { DynaliteStore } from './dynalite.js';

/** One item a transaction touches: its table and dynalite's encoding of its key. */
export interface ItemTarget {
  tableName: string;
  key: string;
}

/** One string per item, the same for every action on it. */
export function idOf(target: ItemTarget): string {
  return `${target.tableName}\u0000${target.key}`;
}

/**
 * The items of the write transactions under way. A transaction that touches one of them
 * is cancelled with TransactionConflict instead of waiting, as DynamoDB does: "An item
 * within a TransactWriteItems request is part of another ongoing TransactWriteItems
 * request", and likewise for a TransactGetItems request (Developer Guide, Transaction
 * conflict handling in DynamoDB).
 */
export class ItemClaims {
  private readonly claimed = new Set<string>();

  /** For each target, whether an ongoing write transaction holds it. */
  held(targets: ItemTarget[]): boolean[] {
    return targets.map((target) => this.claimed.has(idOf(target)));
  }

  /** Holds the targets until the answered function releases them. Check {@link held} first, in the same turn. */
  claim(targets: ItemTarget[]): () => void {
    const ids = targets.map(idOf);
    for (const id of ids) this.claimed.add(id);
    return () => ids.forEach((id) => this.claimed.delete(id));
  }
}

/**
 * Takes dynalite's own lock of each item (the one PutItem, UpdateItem and DeleteItem hold
 * while they read and write it), so that no single-item write lands between a
 * transaction's reads and its writes. Locks are taken one by one in a single global order,
 * so two transactions waiting for each other's items cannot deadlock. Answers the
 * function that releases them all.
 */
export async function lockItems(store: DynaliteStore, targets: ItemTarget[]): Promise<() => void> {
  const ordered = [...new Map(targets.map((target) => [idOf(target), target])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const releases: Array<() => void> = [];
  for (const [, { tableName, key }] of ordered) {
    releases.push(await new Promise<() => void>((resolve) => store.getItemDb(tableName).lock(key, (release) => resolve(release(() => undefined)))));
  }
  return () => releases.reverse().forEach((release) => release());
}
