import type { Params } from '../params.js';
import { dynaliteDb, missingItem, promised, type DynaliteStore, type Item, type Table } from './dynalite.js';
import { readCapacity, writeCapacity } from './transaction-capacity.js';

const { capacityUnits } = dynaliteDb;

/** A table as dynalite keeps it, with what its throughput depends on. */
export interface MeteredTable extends Table {
  TableArn: string;
  BillingModeSummary?: { BillingMode?: string };
  ProvisionedThroughput?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number };
}

/** The units one item of a request consumes, and where: its table and partition key value. */
export interface Charge {
  table: MeteredTable;
  /** The item's partition key, as "name = value". */
  partition: string;
  kind: 'read' | 'write';
  units: number;
}

/** One item a request reads or writes: its table, its key (or whole item), and how its units follow from the item before and after. */
interface Target {
  tableName: string;
  keyOrItem: Item;
  kind: 'read' | 'write';
  units(table: string, existing: Item | undefined): number;
}

/** The operations whose units booksim local meters: the single-item ones and transactions, which are all booksim's system uses. */
export const meteredOperations = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'TransactGetItems']);

/**
 * The units a request will consume, item by item, as DynamoDB counts them ("Read and
 * write operations", DynamoDB Developer Guide): a read 1 unit per 4 KB of the item (half
 * eventually consistent), a write 1 per KB of the larger of the item before and after, a
 * transactional action twice that. UpdateItem is charged for the item before the update,
 * whose result is not known until it is applied. A request whose tables or keys cannot be
 * resolved is charged nothing: the service then answers its own error for it.
 */
export async function requestCharges(store: DynaliteStore, operation: string, params: Params): Promise<Charge[]> {
  try {
    const targets = targetsOf(operation, params);
    return await Promise.all(targets.map((target) => chargeOf(store, target)));
  } catch {
    return [];
  }
}

function targetsOf(operation: string, params: Params): Target[] {
  const tableName = params.TableName as string;
  switch (operation) {
    case 'GetItem':
      return [{ tableName, keyOrItem: params.Key as Item, kind: 'read', units: (_, existing) => capacityUnits(existing, true, params.ConsistentRead === true) }];
    case 'PutItem': {
      const item = params.Item as Item;
      return [{ tableName, keyOrItem: item, kind: 'write', units: (_, existing) => Math.max(capacityUnits(existing, false), capacityUnits(item, false)) }];
    }
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ tableName, keyOrItem: params.Key as Item, kind: 'write', units: (_, existing) => capacityUnits(existing, false) }];
    case 'TransactWriteItems':
      return (params.TransactItems as Array<Record<string, Params>>).map((action) => {
        const [kind, data] = Object.entries(action)[0]!;
        const item = kind === 'Put' ? (data.Item as Item) : undefined;
        return {
          tableName: data.TableName as string,
          keyOrItem: item ?? (data.Key as Item),
          kind: 'write',
          units: (table, existing) => writeCapacity(table, existing, item ? { next: item } : undefined).units,
        };
      });
    case 'TransactGetItems':
      return (params.TransactItems as Array<{ Get: Params }>).map(({ Get: data }) => ({
        tableName: data.TableName as string,
        keyOrItem: data.Key as Item,
        kind: 'read',
        units: (table, existing) => readCapacity(table, existing).units,
      }));
    default:
      return [];
  }
}

async function chargeOf(store: DynaliteStore, target: Target): Promise<Charge> {
  const table = (await promised<Table>((callback) => store.getTable(target.tableName, callback))) as MeteredTable;
  const key = dynaliteDb.createKey(target.keyOrItem, table);
  const existing = await promised<Item | undefined>((callback) => store.getItemDb(target.tableName).get(key, callback)).catch(missingItem);
  const hashKey = table.KeySchema.find((key) => key.KeyType === 'HASH')!.AttributeName;
  const value = Object.values(target.keyOrItem[hashKey]!)[0];
  return { table, partition: `${hashKey} = ${String(value)}`, kind: target.kind, units: target.units(target.tableName, existing) };
}
