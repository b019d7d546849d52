import { dynaliteDb, type Item } from './dynalite.js';

/** dynalite's own measure of an item, in the units a single-item operation consumes. */
const { capacityUnits } = dynaliteDb;

/** What one action of a transaction consumed: the table, and the units of the item it read or wrote. */
export interface ActionCapacity {
  tableName: string;
  units: number;
}

/** The units a transactional write of an item consumes: twice a standard write's, of the larger of the item before and after; a ConditionCheck (no `after`) the item as it is. */
export function writeCapacity(tableName: string, before: Item | undefined, after?: { next: Item | undefined }): ActionCapacity {
  const units = Math.max(capacityUnits(before, false), after ? capacityUnits(after.next, false) : 0);
  return { tableName, units: 2 * units };
}

/** The units a transactional read of an item consumes: twice a strongly consistent read's. */
export function readCapacity(tableName: string, item: Item | undefined): ActionCapacity {
  return { tableName, units: 2 * capacityUnits(item, true, true) };
}

/**
 * The ConsumedCapacity member of a transaction's answer, as AWS gives it for
 * ReturnConsumedCapacity TOTAL or INDEXES: one entry per table, in the order the request
 * first names it, with the units of its actions summed — transactional operations consume
 * twice the units of standard ones ("Capacity management for transactions", DynamoDB
 * Developer Guide). Undefined (no member) for NONE or no ReturnConsumedCapacity.
 */
export function consumedCapacity(returnConsumedCapacity: unknown, actions: ActionCapacity[]): Array<Record<string, unknown>> | undefined {
  if (returnConsumedCapacity !== 'TOTAL' && returnConsumedCapacity !== 'INDEXES') return undefined;
  const byTable = new Map<string, number>();
  for (const { tableName, units } of actions) byTable.set(tableName, (byTable.get(tableName) ?? 0) + units);
  return [...byTable].map(([TableName, CapacityUnits]) => ({ TableName, CapacityUnits, ...(returnConsumedCapacity === 'INDEXES' ? { Table: { CapacityUnits } } : {}) }));
}
