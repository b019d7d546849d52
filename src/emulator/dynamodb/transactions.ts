import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Clock } from '../../clock.js';
import { readBody, type HttpResponse } from '../../http.js';
import { jsonResponse, type RequestContext } from '../http.js';
import { serveJson, type Operation } from '../json-protocol.js';
import type { Params } from '../params.js';
import { targetOperation } from '../router.js';
import { ClientTokens } from './client-tokens.js';
import { actions as dynaliteActions, dynaliteDb, missingItem, promised, type DynaliteError, type DynaliteStore, type Item, type Table } from './dynalite.js';
import { idOf, ItemClaims, lockItems, type ItemTarget } from './item-locks.js';
import { commit, isReason, noReason, reasonFor, stage, type CancellationReason, type StagedWrite } from './staged-write.js';
import { consumedCapacity, readCapacity, writeCapacity } from './transaction-capacity.js';
import { readTransactGet, readTransactWrite, type TransactAction, type WriteAction } from './transact-request.js';
import { asAwsError, dynamoDbWire, namesOperation, validationException } from './wire.js';

/** A transaction cancelled, with one reason per action, in the order of the request. */
class TransactionCanceled extends Error {
  constructor(readonly reasons: CancellationReason[]) {
    // As AWS words it, e.g. "… for specific reasons [ConditionalCheckFailed, None]" (AWS Knowledge Center, "Why is my TransactWriteItems API call failing").
    super(`Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`);
  }
}

/** An action resolved against its table: the item it targets. */
interface Resolved<A extends TransactAction> {
  action: A;
  table: Table;
  target: ItemTarget;
}

/**
 * TransactWriteItems and TransactGetItems for the tables dynalite serves (dynalite has
 * neither), on dynalite's own store: each action is checked and evaluated by dynalite's
 * validations and single-item operations, all or nothing.
 */
export class DynamoDbTransactions {
  private readonly claims = new ItemClaims();
  private readonly tokens: ClientTokens;

  readonly operations: Record<string, Operation> = {
    TransactWriteItems: (params) => this.write(params),
    TransactGetItems: (params) => this.get(params),
  };

  constructor(
    private readonly store: DynaliteStore,
    clock: Clock,
  ) {
    this.tokens = new ClientTokens(clock);
  }

  /** True for a request this class answers. */
  serves(headers: IncomingHttpHeaders): boolean {
    return namesOperation(headers, this.operations);
  }

  /** Answers a request for which {@link serves} is true; a cancellation carries its CancellationReasons, which the SDK parses. */
  async serve(req: IncomingMessage, context: RequestContext): Promise<HttpResponse> {
    try {
      return await serveJson(dynamoDbWire, this.operations, targetOperation(req.headers), await readBody(req), context);
    } catch (error) {
      if (!(error instanceof TransactionCanceled)) throw error;
      const body = { __type: `${dynamoDbWire.errorNamespace}#TransactionCanceledException`, Message: error.message, CancellationReasons: error.reasons };
      return jsonResponse(body, context.requestId, 400);
    }
  }

  private async write(params: Params): Promise<unknown> {
    const { actions, clientRequestToken: token } = readTransactWrite(params, this.store);
    const { ClientRequestToken: _token, ...request } = params;
    if (token !== undefined && this.tokens.begin(token, request)) return {};
    let succeeded = false;
    let written: StagedWrite[];
    try {
      written = await this.runWrite(actions);
      succeeded = true;
    } finally {
      if (token !== undefined) this.tokens.end(token, succeeded);
    }
    const capacity = consumedCapacity(params.ReturnConsumedCapacity, written.map(({ target, existing, change }) => writeCapacity(target.tableName, existing, change)));
    return capacity ? { ConsumedCapacity: capacity } : {};
  }

  /**
   * Checks every action against the items as they are, then writes them all, holding the
   * items (against other transactions) and their locks (against single-item writes) from
   * the first read to the last write. Answers every action worked out, in the order of the request.
   */
  private async runWrite(actions: WriteAction[]): Promise<StagedWrite[]> {
    const resolved = await this.resolve(actions, writeSchemaError);
    const targets = resolved.map(({ target }) => target);
    this.rejectConflicts(targets);
    const release = this.claims.claim(targets);
    try {
      const unlock = await lockItems(this.store, targets);
      try {
        const staged = await Promise.all(resolved.map(({ action, table, target }) => stage(this.store, action, table, target)));
        if (staged.some(isReason)) throw new TransactionCanceled(staged.map((outcome) => (isReason(outcome) ? outcome : noReason)));
        const written = staged.filter((outcome): outcome is StagedWrite => !isReason(outcome));
        await commit(this.store, written);
        return written;
      } finally {
        unlock();
      }
    } finally {
      release();
    }
  }

  /** Reads the items together under their locks, so that no write lands between two of the reads. */
  private async get(params: Params): Promise<unknown> {
    const resolved = await this.resolve(readTransactGet(params, this.store), getSchemaError);
    const targets = resolved.map(({ target }) => target);
    this.rejectConflicts(targets);
    const unlock = await lockItems(this.store, targets);
    try {
      const answers = await Promise.all(resolved.map(({ action }) => promised<{ Item?: Item }>((callback) => dynaliteActions.getItem(this.store, action.data, callback))));
      // Read units are of the whole item, not of the projection returned.
      const items = await Promise.all(targets.map((target) => promised<Item | undefined>((callback) => this.store.getItemDb(target.tableName).get(target.key, callback)).catch(missingItem)));
      const capacity = consumedCapacity(params.ReturnConsumedCapacity, targets.map((target, i) => readCapacity(target.tableName, items[i])));
      // A missing item, or one without any of the projected attributes, answers an ItemResponse without Item (the model's TransactGetItemsOutput).
      return { Responses: answers.map((answer) => (answer?.Item && Object.keys(answer.Item).length > 0 ? { Item: answer.Item } : {})), ...(capacity ? { ConsumedCapacity: capacity } : {}) };
    } finally {
      unlock();
    }
  }

  /**
   * Finds each action's table (ResourceNotFoundException if one is missing) and item. An
   * action whose key or item does not fit its table cancels the transaction with a
   * ValidationError; two actions on one item are refused outright, in AWS's words.
   */
  private async resolve<A extends TransactAction>(actions: A[], schemaError: (action: A, table: Table) => DynaliteError | undefined): Promise<Array<Resolved<A>>> {
    const tables = new Map<string, Table>();
    for (const name of new Set(actions.map((action) => action.tableName))) tables.set(name, await this.table(name));
    const tableOf = (action: A) => tables.get(action.tableName)!;
    const errors = actions.map((action) => schemaError(action, tableOf(action)));
    if (errors.some(Boolean)) throw new TransactionCanceled(errors.map((error) => (error ? reasonFor(error, { returnOldItem: false }, undefined) : noReason)));
    const resolved = actions.map((action) => {
      const table = tableOf(action);
      return { action, table, target: { tableName: action.tableName, key: dynaliteDb.createKey((action.data.Item ?? action.data.Key) as Item, table) } };
    });
    const ids = new Set(resolved.map(({ target }) => idOf(target)));
    if (ids.size < resolved.length) throw validationException('Transaction request cannot include multiple operations on one item');
    return resolved;
  }

  /** Cancels the transaction if an ongoing write transaction holds one of its items. */
  private rejectConflicts(targets: ItemTarget[]): void {
    const held = this.claims.held(targets);
    if (!held.some(Boolean)) return;
    // The code and message CancellationReason documents for a conflict (dynamodb.service-2.json, TransactionCanceledException).
    throw new TransactionCanceled(held.map((isHeld) => (isHeld ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : noReason)));
  }

  private async table(name: string): Promise<Table> {
    try {
      return (await promised<Table>((callback) => this.store.getTable(name, callback)))!;
    } catch (error) {
      throw asAwsError(error);
    }
  }
}

/** The checks a write action's single-item operation makes against its table's key schema and indexes. */
function writeSchemaError({ kind, data }: WriteAction, table: Table): DynaliteError | undefined {
  if (kind === 'Put') return dynaliteDb.validateItem(data.Item as Item, table);
  return dynaliteDb.validateKey(data.Key as Item, table) || (kind === 'Update' ? dynaliteDb.validateUpdates(data.AttributeUpdates, data._updates, table) : undefined);
}

/** The checks GetItem makes against its table: the key, and no projection into a key attribute. */
function getSchemaError({ data }: TransactAction, table: Table): DynaliteError | undefined {
  return dynaliteDb.validateKey(data.Key as Item, table) || dynaliteDb.validateKeyPaths((data._projection as { nestedPaths?: unknown } | undefined)?.nestedPaths, table);
}
