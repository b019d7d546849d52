import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import dynalite from 'dynalite';

// dynalite is CommonJS and ships no types; these are the parts of its internals that
// booksim's transactions reuse (its store, key encoding, validations and actions), typed
// as far as booksim uses them.
const require = createRequire(import.meta.url);

/** A DynamoDB attribute value in the wire format: `{ S: 'x' }`, `{ N: '1' }`, … */
export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

/** A table as dynalite keeps it: what DescribeTable answers. */
export interface Table {
  TableName: string;
  KeySchema: Array<{ AttributeName: string; KeyType: string }>;
}

/** A table as dynalite stores it, with its status and its indexes'. */
interface TableRecord {
  TableStatus: string;
  GlobalSecondaryIndexes?: Array<{ IndexStatus: string }>;
}

/** An error as dynalite raises it: the status and the JSON body it answers with. */
export interface DynaliteError extends Error {
  statusCode?: number;
  body?: { __type: string; message?: string; Message?: string };
}

export type Callback<T = void> = (error?: DynaliteError | null, value?: T) => void;
/** What dynalite's per-key lock hands the holder: wraps a callback so that calling it releases the lock first. */
type Releaser = (done: Callback<unknown>) => Callback<unknown>;

export interface ItemDb {
  lock(key: string, holder: (release: Releaser) => void): void;
  get(key: string, callback: Callback<Item | undefined>): void;
  put(key: string, item: Item, callback: Callback): void;
  del(key: string, callback: Callback): void;
}

interface IndexDb {
  put(key: string, item: Item, callback: Callback): void;
  del(key: string, callback: Callback): void;
}

/** dynalite's store: tables, and items in one sub-database (with its own lock) per table. */
export interface DynaliteStore {
  options: { maxItemSize: number };
  /** Where the tables are kept; a view of the store that serves one table has none. */
  tableDb?: { put(name: string, table: TableRecord, callback: Callback): void };
  getTable(name: string, callback: Callback<Table>): void;
  getItemDb(tableName: string): ItemDb;
  getIndexDb(indexType: string, tableName: string, indexName: string): IndexDb;
  /** A table's tags (TagResource, ListTagsOfResource), key to value. */
  getTagDb?(tableName: string): { batch(operations: Array<{ type: 'put'; key: string; value: string }>, callback: Callback): void };
}

/** A request after dynalite's validation, with its expressions parsed (`_condition`, `_updates`, `_projection`). */
export type ActionData = Record<string, unknown>;

/** dynalite's db module: key encoding, schema checks, condition evaluation, index upkeep. */
interface DynaliteDb {
  create(options: object): DynaliteStore;
  createKey(item: Item, table: Table): string;
  validateKey(key: Item, table: Table): DynaliteError | undefined;
  validateItem(item: Item, table: Table): DynaliteError | undefined;
  validateUpdates(attributeUpdates: unknown, expressionUpdates: unknown, table: Table): DynaliteError | undefined;
  validateKeyPaths(nestedPaths: unknown, table: Table): DynaliteError | undefined;
  checkConditional(data: ActionData, existing: Item | undefined): DynaliteError | undefined;
  updateIndexes(store: DynaliteStore, table: Table, existing: Item | undefined, next: Item | undefined, callback: Callback): void;
  /** The units a single-item operation consumes for an item: ceil(size / 1 KB) for a write, ceil(size / 4 KB) for a strongly consistent read (half that eventually consistent), 1 for no item. */
  capacityUnits(item: Item | undefined, isRead: boolean, isConsistent?: boolean): number;
}

/** The type description and custom checks dynalite validates one operation's request with. */
export interface ActionValidation {
  types: Record<string, unknown>;
  custom(data: ActionData, store: DynaliteStore): string | undefined;
}

interface DynaliteValidations {
  /** Checks the JSON types of a request; answers a copy holding only the members `types` names. */
  checkTypes(data: unknown, types: Record<string, unknown>): ActionData;
  /** Checks the constraints of `types` (AWS's "N validation errors detected: …"), then `custom`; throws the ValidationException. */
  checkValidations(data: ActionData, types: Record<string, unknown>, custom: ActionValidation['custom'] | undefined, store: DynaliteStore): void;
}

export type Action = (store: DynaliteStore, data: ActionData, callback: Callback<{ Item?: Item }>) => void;

export const dynaliteDb = require('dynalite/db') as DynaliteDb;
export const dynaliteValidations = require('dynalite/validations') as DynaliteValidations;

export const actionValidations = {
  putItem: require('dynalite/validations/putItem') as ActionValidation,
  updateItem: require('dynalite/validations/updateItem') as ActionValidation,
  deleteItem: require('dynalite/validations/deleteItem') as ActionValidation,
  getItem: require('dynalite/validations/getItem') as ActionValidation,
};

export const actions = {
  putItem: require('dynalite/actions/putItem') as Action,
  updateItem: require('dynalite/actions/updateItem') as Action,
  deleteItem: require('dynalite/actions/deleteItem') as Action,
  getItem: require('dynalite/actions/getItem') as Action,
};

/** Serves one DynamoDB request from the raw HTTP exchange. */
export type DynaliteHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Starts dynalite in memory, without a port of its own, and answers its request handler
 * together with the store it serves: booksim's transactions work on that same store,
 * under the same per-item locks, so they serialise with dynalite's own writes. dynalite
 * does not expose its store, so its db module's `create` is wrapped while dynalite builds it.
 */
export function startDynalite(): { handle: DynaliteHandler; store: DynaliteStore } {
  const create = dynaliteDb.create;
  let store: DynaliteStore | undefined;
  dynaliteDb.create = (options) => (store = create(options));
  try {
    // Tables become ACTIVE at once, since no test or storm should wait for them.
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    const [handle] = server.listeners('request') as DynaliteHandler[];
    if (!handle || !store?.tableDb) throw new Error('dynalite did not set up its store and request handler');
    activeAtOnce(store.tableDb);
    return { handle, store };
  } finally {
    dynaliteDb.create = create;
  }
}

/**
 * Stores a new table as ACTIVE straight away. dynalite keeps it CREATING until a timer
 * fires after CreateTable has answered (even with createTableMs 0), so a request sent right
 * after the answer could find no table yet; booksim promises tables ACTIVE at once. The
 * answer to CreateTable itself still says CREATING, as AWS's does.
 */
function activeAtOnce(tableDb: NonNullable<DynaliteStore['tableDb']>): void {
  const put = tableDb.put.bind(tableDb);
  tableDb.put = (name, table, callback) => {
    if (table.TableStatus !== 'CREATING') return put(name, table, callback);
    const indexes = table.GlobalSecondaryIndexes?.map((index) => ({ ...index, IndexStatus: 'ACTIVE' }));
    put(name, { ...table, TableStatus: 'ACTIVE', ...(indexes ? { GlobalSecondaryIndexes: indexes } : {}) }, callback);
  };
}

/** Runs a callback-style dynalite function as a promise. */
export function promised<T>(run: (callback: Callback<T>) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));
}

/** A read of an item that is not there: no item (dynalite's item store raises NotFoundError). */
export function missingItem(error: Error): undefined {
  if (error.name === 'NotFoundError') return undefined;
  throw error;
}

/** The error shape name of a dynalite error, e.g. `ConditionalCheckFailedException`. */
export function errorCode(error: unknown): string | undefined {
  const type = (error as DynaliteError | undefined)?.body?.__type;
  return type?.slice(type.indexOf('#') + 1);
}
