import { actions, dynaliteDb, errorCode, promised, type Action, type DynaliteError, type DynaliteStore, type Item, type ItemDb, type Table } from './dynalite.js';
import type { ItemTarget } from './item-locks.js';
import type { WriteAction, WriteKind } from './transact-request.js';

/** Why one item cancelled a transaction, or `{ Code: 'None' }`, as CancellationReasons lists them. */
export interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: Item;
}

/** The reason of an item that did not cancel the transaction: the literal code "None" and no message (TransactionCanceledException). */
export const noReason: CancellationReason = { Code: 'None' };

export function isReason(outcome: StagedWrite | CancellationReason): outcome is CancellationReason {
  return 'Code' in outcome;
}

/** A write action worked out against the item as it is, not yet applied. */
export interface StagedWrite {
  table: Table;
  target: ItemTarget;
  existing: Item | undefined;
  /** The item afterwards (undefined: deleted); absent for a ConditionCheck, which writes nothing. */
  change?: { next: Item | undefined };
}

const operations: Record<Exclude<WriteKind, 'ConditionCheck'>, Action> = {
  Put: actions.putItem,
  Update: actions.updateItem,
  Delete: actions.deleteItem,
};

/** Reads an item of the real store. */
async function readItem(store: DynaliteStore, target: ItemTarget): Promise<Item | undefined> {
  try {
    return await promised<Item | undefined>((callback) => store.getItemDb(target.tableName).get(target.key, callback));
  } catch (error) {
    if ((error as Error).name === 'NotFoundError') return undefined;
    throw error;
  }
}

/**
 * Works out one write action the way its single-item operation would (dynalite's own
 * PutItem, UpdateItem or DeleteItem: condition, update expression, item size) against the
 * item as it is, on a view of the store that records the write instead of making it, so
 * that nothing is written unless every action of the transaction can be. The caller holds
 * the item's lock. Answers the staged write, or the reason the action cancels the transaction.
 */
export async function stage(store: DynaliteStore, action: WriteAction, table: Table, target: ItemTarget): Promise<StagedWrite | CancellationReason> {
  const existing = await readItem(store, target);
  const staged: StagedWrite = { table, target, existing };
  if (action.kind === 'ConditionCheck') {
    const failed = dynaliteDb.checkConditional(action.data, existing);
    return failed ? reasonFor(failed, action, existing) : staged;
  }
  const operation = operations[action.kind];
  const change: { next: Item | undefined } = { next: undefined };
  try {
    await promised((callback) => operation(recordingView(store, table, existing, change), action.data, callback));
  } catch (error) {
    return reasonFor(error, action, existing);
  }
  return { ...staged, change };
}

/** Applies staged writes to the real store, as dynalite's single-item writes do: indexes, then the item. */
export async function commit(store: DynaliteStore, writes: StagedWrite[]): Promise<void> {
  for (const { table, target, existing, change } of writes) {
    if (!change) continue;
    await promised((callback) => dynaliteDb.updateIndexes(store, table, existing, change.next, callback));
    const itemDb = store.getItemDb(target.tableName);
    await promised((callback) => (change.next ? itemDb.put(target.key, change.next, callback) : itemDb.del(target.key, callback)));
  }
}

/**
 * The reason an action failed, in TransactionCanceledException's codes: a failed condition
 * is ConditionalCheckFailed (with the item as it was if ReturnValuesOnConditionCheckFailure
 * is ALL_OLD and it exists), an invalid update or item a ValidationError with dynalite's
 * message, which is AWS's.
 */
export function reasonFor(error: unknown, action: Pick<WriteAction, 'returnOldItem'>, existing: Item | undefined): CancellationReason {
  const code = errorCode(error);
  if (code === 'ConditionalCheckFailedException') {
    return { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', ...(action.returnOldItem && existing ? { Item: existing } : {}) };
  }
  if (code === 'ValidationException') return { Code: 'ValidationError', Message: (error as DynaliteError).body?.message ?? '' };
  throw error;
}

/**
 * The store as one staged action sees it: its table, the item as read, no-op index upkeep,
 * and a lock that is already held; what the action would write lands in `change`.
 */
function recordingView(store: DynaliteStore, table: Table, existing: Item | undefined, change: { next: Item | undefined }): DynaliteStore {
  const itemDb: ItemDb = {
    lock: (_key, holder) => holder((done) => done),
    get: (_key, callback) => callback(null, existing),
    put: (_key, item, callback) => {
      change.next = item;
      callback();
    },
    del: (_key, callback) => {
      change.next = undefined;
      callback();
    },
  };
  const noIndex = { put: (_key: string, _item: Item, callback: () => void) => callback(), del: (_key: string, callback: () => void) => callback() };
  return { options: store.options, getTable: (_name, callback) => callback(null, table), getItemDb: () => itemDb, getIndexDb: () => noIndex };
}
