import { ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand, type AttributeValue, type UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { FunctionContext } from './model.js';

/**
 * The DynamoDB layer under the bookings and seats repositories (bookings.ts, seats.ts).
 * Each operation is one single-item conditional write, not a transaction: the handlers
 * order them so that a redelivery, a retried task, a crash between two writes or a
 * concurrent worker replays to the same state, which is what booksim exists to exercise
 * (and what runs on endpoints without TransactWriteItems, such as older emulators). Expressions name every attribute as
 * `#name` (see {@link update}), since DynamoDB reserves words such as `status`.
 */

/** A DynamoDB item, as the SDK has it. */
export type Item = Record<string, AttributeValue>;

/** A string attribute value. */
export const s = (value: string): AttributeValue => ({ S: value });
/** A number attribute value. */
export const n = (value: number | string): AttributeValue => ({ N: String(value) });

/** Optimistic loops (read, then write on condition the read is still true) give up after this many lost races. */
export const maxRaces = 20;

/** Runs a conditional write: true if applied, false if its condition failed; other errors pass through. */
export async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * An UpdateItem on one key, conditional unless no condition is given: true if applied,
 * false if its condition failed.
 * Every `#name` in the expressions stands for the attribute `name`, so
 * ExpressionAttributeNames is derived rather than written out (and never lists a name the
 * expressions do not use, which DynamoDB rejects); every `:value` given must be used.
 */
export function update(
  ctx: FunctionContext,
  table: string,
  key: Item,
  expression: { update: string; condition?: string; values: Item },
): Promise<boolean> {
  const names = Object.fromEntries([...`${expression.update} ${expression.condition ?? ''}`.matchAll(/#(\w+)/g)].map(([token, name]) => [token, name!]));
  const input: UpdateItemCommandInput = {
    TableName: table,
    Key: key,
    UpdateExpression: expression.update,
    ...(expression.condition !== undefined ? { ConditionExpression: expression.condition } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: expression.values,
  };
  return conditional(ctx.clients.dynamodb.send(new UpdateItemCommand(input)));
}

/** The item with this key, read consistently; undefined if there is none. */
export async function getItem(ctx: FunctionContext, table: string, key: Item): Promise<Item | undefined> {
  const { Item } = await ctx.clients.dynamodb.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
  return Item;
}
