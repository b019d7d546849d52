import {
  DynamoDBClient,
  GetItemCommand,
  IdempotentParameterMismatchException,
  PutItemCommand,
  ResourceNotFoundException,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactionInProgressException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createKeyedTable } from '../helpers/dynamodb.js';
import { useEndpoint, uniqueName, type EndpointFixture } from '../helpers/endpoint.js';

const key = (seatId: string) => ({ seatId: { S: seatId } });
const increment = (TableName: string, seatId: string): TransactWriteItem => ({
  Update: { TableName, Key: key(seatId), UpdateExpression: 'ADD #count :one', ExpressionAttributeNames: { '#count': 'count' }, ExpressionAttributeValues: { ':one': { N: '1' } } },
});

/** Table, item and transaction calls against the endpoint of `fx`, read when called. */
function seatCalls(fx: EndpointFixture) {
  const createTable = () => createKeyedTable(fx.clients.dynamodb, uniqueName('seats'), 'seatId');
  const put = (TableName: string, Item: Record<string, AttributeValue>) => fx.clients.dynamodb.send(new PutItemCommand({ TableName, Item }));
  const transact = (TransactItems: TransactWriteItem[], ClientRequestToken?: string) =>
    fx.clients.dynamodb.send(new TransactWriteItemsCommand({ TransactItems, ClientRequestToken }));
  async function itemOf(TableName: string, seatId: string) {
    const { Item } = await fx.clients.dynamodb.send(new GetItemCommand({ TableName, Key: key(seatId), ConsistentRead: true }));
    return Item;
  }
  return { createTable, put, transact, itemOf };
}

describe('DynamoDB transactions (embedded endpoint)', () => {
  const fx = useEndpoint();
  const { createTable, put, transact, itemOf } = seatCalls(fx);

  /** The exception a promise rejects with. */
  async function rejection<T extends Error>(promise: Promise<unknown>): Promise<T> {
    try {
      await promise;
    } catch (error) {
      return error as T;
    }
    throw new Error('expected the request to fail');
  }

  const holdSeat = (TableName: string, seatId: string, booking: string): TransactWriteItem => ({
    Put: { TableName, Item: { ...key(seatId), holder: { S: booking } }, ConditionExpression: 'attribute_not_exists(seatId)' },
  });

  it('when every action can run, it applies the puts, updates and deletes together', async () => {
    const TableName = await createTable();
    await put(TableName, { ...key('A2'), count: { N: '1' } });
    await put(TableName, { ...key('A3'), holder: { S: 'old' } });
    await put(TableName, key('A4'));
    await transact([
      holdSeat(TableName, 'A1', 'B1'),
      increment(TableName, 'A2'),
      { Delete: { TableName, Key: key('A3'), ConditionExpression: 'holder = :old', ExpressionAttributeValues: { ':old': { S: 'old' } } } },
      { ConditionCheck: { TableName, Key: key('A4'), ConditionExpression: 'attribute_exists(seatId)' } },
    ]);
    expect(await itemOf(TableName, 'A1')).toEqual({ ...key('A1'), holder: { S: 'B1' } });
    expect((await itemOf(TableName, 'A2'))?.count).toEqual({ N: '2' });
    expect(await itemOf(TableName, 'A3')).toBeUndefined();
  });

  it('when a ConditionCheck fails, nothing is written and the reasons name each action in order', async () => {
    const TableName = await createTable();
    await put(TableName, { ...key('C1'), status: { S: 'closed' } });
    const error = await rejection<TransactionCanceledException>(
      transact([
        holdSeat(TableName, 'A1', 'B1'),
        { ConditionCheck: { TableName, Key: key('C1'), ConditionExpression: '#status = :open', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':open': { S: 'open' } } } },
        holdSeat(TableName, 'A2', 'B1'),
      ]),
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.message).toBe('Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]');
    expect(error.CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      { Code: 'None' },
    ]);
    expect(await itemOf(TableName, 'A1')).toBeUndefined();
    expect(await itemOf(TableName, 'A2')).toBeUndefined();
  });

  it('when a failed action asks for ALL_OLD, its reason carries the item as it was', async () => {
    const TableName = await createTable();
    await put(TableName, { ...key('A1'), holder: { S: 'B0' } });
    const error = await rejection<TransactionCanceledException>(
      transact([{ Put: { ...holdSeat(TableName, 'A1', 'B1').Put!, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } }, holdSeat(TableName, 'A2', 'B1')]),
    );
    expect(error.CancellationReasons).toEqual([
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { ...key('A1'), holder: { S: 'B0' } } },
      { Code: 'None' },
    ]);
    expect(await itemOf(TableName, 'A1')).toEqual({ ...key('A1'), holder: { S: 'B0' } });
  });

  it('when an update cannot apply to the item, it cancels with a ValidationError and writes nothing', async () => {
    const TableName = await createTable();
    await put(TableName, { ...key('A1'), count: { S: 'not a number' } });
    const error = await rejection<TransactionCanceledException>(
      transact([
        holdSeat(TableName, 'A2', 'B1'),
        { Update: { TableName, Key: key('A1'), UpdateExpression: 'SET #count = #count + :one', ExpressionAttributeNames: { '#count': 'count' }, ExpressionAttributeValues: { ':one': { N: '1' } } } },
      ]),
    );
    expect(error.CancellationReasons).toEqual([{ Code: 'None' }, { Code: 'ValidationError', Message: 'An operand in the update expression has an incorrect data type' }]);
    expect(await itemOf(TableName, 'A2')).toBeUndefined();
  });

  it('when a request is repeated under its ClientRequestToken, it succeeds without applying it again', async () => {
    const TableName = await createTable();
    await put(TableName, { ...key('A1'), count: { N: '0' } });
    await transact([increment(TableName, 'A1')], 'token-1');
    await transact([increment(TableName, 'A1')], 'token-1');
    expect((await itemOf(TableName, 'A1'))?.count).toEqual({ N: '1' });
    await transact([increment(TableName, 'A1')], 'token-2');
    expect((await itemOf(TableName, 'A1'))?.count).toEqual({ N: '2' });
  });

  it('when a ClientRequestToken comes back with another request, it answers IdempotentParameterMismatchException', async () => {
    const TableName = await createTable();
    await transact([holdSeat(TableName, 'A1', 'B1')], 'token-3');
    await expect(transact([holdSeat(TableName, 'A2', 'B1')], 'token-3')).rejects.toBeInstanceOf(IdempotentParameterMismatchException);
    expect(await itemOf(TableName, 'A2')).toBeUndefined();
  });

  it('when a cancelled request is retried under its token, it runs again', async () => {
    const TableName = await createTable();
    await put(TableName, { ...key('A1'), holder: { S: 'B0' } });
    const release: TransactWriteItem[] = [{ Put: { TableName, Item: { ...key('A1'), holder: { S: 'B1' } }, ConditionExpression: 'holder = :none', ExpressionAttributeValues: { ':none': { S: 'none' } } } }];
    await expect(transact(release, 'token-4')).rejects.toBeInstanceOf(TransactionCanceledException);
    await put(TableName, { ...key('A1'), holder: { S: 'none' } });
    await transact(release, 'token-4');
    expect((await itemOf(TableName, 'A1'))?.holder).toEqual({ S: 'B1' });
  });

  describe('concurrent transactions', () => {
    // One attempt per request, so that what the endpoint answered is what the test sees.
    const singleAttempt = () => new DynamoDBClient({ endpoint: fx.endpoint.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

    it('when transactions touch one item at once, each either applies whole or is cancelled with TransactionConflict for that item', async () => {
      const TableName = await createTable();
      await put(TableName, { ...key('A1'), count: { N: '0' } });
      const client = singleAttempt();
      const holdAndCount = (other: string): TransactWriteItem[] => [holdSeat(TableName, other, 'B1'), increment(TableName, 'A1')];
      let applied = 0;
      let conflicts = 0;
      try {
        // Requests that arrive together overlap on the endpoint; repeat until one has met a transaction under way.
        for (let round = 0; round < 50 && conflicts === 0; round += 1) {
          const outcomes = await Promise.allSettled(
            Array.from({ length: 8 }, (_, index) => client.send(new TransactWriteItemsCommand({ TransactItems: holdAndCount(`R${round}-${index}`) }))),
          );
          for (const [index, outcome] of outcomes.entries()) {
            const other = await itemOf(TableName, `R${round}-${index}`);
            if (outcome.status === 'fulfilled') {
              applied += 1;
              expect(other).toBeDefined();
              continue;
            }
            conflicts += 1;
            expect(outcome.reason).toBeInstanceOf(TransactionCanceledException);
            expect((outcome.reason as TransactionCanceledException).CancellationReasons).toEqual([
              { Code: 'None' },
              { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
            ]);
            expect(other).toBeUndefined();
          }
        }
      } finally {
        client.destroy();
      }
      expect(conflicts).toBeGreaterThan(0);
      expect((await itemOf(TableName, 'A1'))?.count).toEqual({ N: String(applied) });
    });

    it('when a TransactGetItems meets a write transaction under way, it is cancelled with TransactionConflict, else it sees all of a write or none', async () => {
      const TableName = await createTable();
      await put(TableName, { ...key('A1'), count: { N: '0' } });
      await put(TableName, { ...key('A2'), count: { N: '0' } });
      const client = singleAttempt();
      let conflicts = 0;
      try {
        for (let round = 0; round < 50 && conflicts === 0; round += 1) {
          const writes = Array.from({ length: 4 }, () => client.send(new TransactWriteItemsCommand({ TransactItems: [increment(TableName, 'A1'), increment(TableName, 'A2')] })));
          const reads = Array.from({ length: 4 }, () =>
            client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName, Key: key('A1') } }, { Get: { TableName, Key: key('A2') } }] })),
          );
          // Settle both at once: a read cancelled while the writes are awaited would otherwise be an unhandled rejection.
          const [, readOutcomes] = await Promise.all([Promise.allSettled(writes), Promise.allSettled(reads)]);
          for (const outcome of readOutcomes) {
            if (outcome.status === 'fulfilled') {
              const [first, second] = outcome.value.Responses ?? [];
              expect(first?.Item?.count).toEqual(second?.Item?.count);
              continue;
            }
            conflicts += 1;
            expect(outcome.reason).toBeInstanceOf(TransactionCanceledException);
            for (const reason of (outcome.reason as TransactionCanceledException).CancellationReasons ?? []) {
              expect(['None', 'TransactionConflict']).toContain(reason.Code);
            }
          }
        }
      } finally {
        client.destroy();
      }
      expect(conflicts).toBeGreaterThan(0);
    });

    it('when one request is sent again under its token while it runs, it is applied once', async () => {
      const TableName = await createTable();
      await put(TableName, { ...key('A1'), count: { N: '0' } });
      const client = singleAttempt();
      const request = () =>
        new TransactWriteItemsCommand({
          ClientRequestToken: 'token-concurrent',
          TransactItems: [increment(TableName, 'A1')],
        });
      try {
        const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => client.send(request())));
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(TransactionInProgressException);
        }
        expect(outcomes.some((outcome) => outcome.status === 'fulfilled')).toBe(true);
      } finally {
        client.destroy();
      }
      expect((await itemOf(TableName, 'A1'))?.count).toEqual({ N: '1' });
    });
  });

  describe('validation', () => {
    it('when two actions target one item, it answers ValidationException in AWS words and writes nothing', async () => {
      const TableName = await createTable();
      await expect(
        transact([holdSeat(TableName, 'A1', 'B1'), { ConditionCheck: { TableName, Key: key('A1'), ConditionExpression: 'attribute_not_exists(seatId)' } }]),
      ).rejects.toMatchObject({ name: 'ValidationException', message: 'Transaction request cannot include multiple operations on one item' });
      expect(await itemOf(TableName, 'A1')).toBeUndefined();
    });

    it('when there are more than 100 actions, or none, it answers a ValidationException on transactItems', async () => {
      const TableName = await createTable();
      const actions = Array.from({ length: 101 }, (_, index) => holdSeat(TableName, `S${index}`, 'B1'));
      await expect(transact(actions)).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(/^1 validation error detected: Value '\[.*\]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/),
      });
      await expect(transact([])).rejects.toMatchObject({
        name: 'ValidationException',
        message: "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
      });
    });

    it('when an action names more than one operation, or is missing a required member, it answers a ValidationException', async () => {
      const TableName = await createTable();
      await expect(
        transact([{ ...holdSeat(TableName, 'A1', 'B1'), Delete: { TableName, Key: key('A1') } }]),
      ).rejects.toMatchObject({ name: 'ValidationException', message: 'TransactItems can only contain one of Check, Put, Update or Delete' });
      await expect(transact([{ ConditionCheck: { TableName, Key: key('A1') } as never }])).rejects.toMatchObject({
        name: 'ValidationException',
        message: "1 validation error detected: Value null at 'transactItems.1.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null",
      });
    });

    it('when an expression is malformed, it answers the ValidationException PutItem would', async () => {
      const TableName = await createTable();
      await expect(transact([{ Put: { TableName, Item: key('A1'), ConditionExpression: 'attribute_not_exists(' } }])).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(/^Invalid ConditionExpression: Syntax error/),
      });
    });

    it('when a key does not match the table, it cancels the transaction with a ValidationError', async () => {
      const TableName = await createTable();
      const error = await rejection<TransactionCanceledException>(transact([holdSeat(TableName, 'A1', 'B1'), { Delete: { TableName, Key: { other: { S: 'x' } } } }]));
      expect(error.CancellationReasons).toEqual([{ Code: 'None' }, { Code: 'ValidationError', Message: 'The provided key element does not match the schema' }]);
    });

    it('when a table does not exist, it answers ResourceNotFoundException', async () => {
      await expect(transact([holdSeat(uniqueName('missing'), 'A1', 'B1')])).rejects.toBeInstanceOf(ResourceNotFoundException);
    });
  });

  describe('TransactGetItems', () => {
    it('answers the items in request order, {} for a missing one, with projections applied', async () => {
      const TableName = await createTable();
      await put(TableName, { ...key('A1'), holder: { S: 'B1' }, price: { N: '10' } });
      await put(TableName, { ...key('A2'), holder: { S: 'B2' } });
      const { Responses } = await fx.clients.dynamodb.send(
        new TransactGetItemsCommand({
          TransactItems: [
            { Get: { TableName, Key: key('A2') } },
            { Get: { TableName, Key: key('missing') } },
            { Get: { TableName, Key: key('A1'), ProjectionExpression: '#holder', ExpressionAttributeNames: { '#holder': 'holder' } } },
          ],
        }),
      );
      expect(Responses).toEqual([{ Item: { ...key('A2'), holder: { S: 'B2' } } }, {}, { Item: { holder: { S: 'B1' } } }]);
    });

    it('when an item is projected onto no attribute it has, its response is empty', async () => {
      const TableName = await createTable();
      await put(TableName, key('A1'));
      const { Responses } = await fx.clients.dynamodb.send(
        new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName, Key: key('A1'), ProjectionExpression: 'holder' } }] }),
      );
      expect(Responses).toEqual([{}]);
    });

    it('when two Gets target one item, or there are more than 100, it answers a ValidationException', async () => {
      const TableName = await createTable();
      const transactGet = (TransactItems: Array<{ Get: { TableName: string; Key: Record<string, AttributeValue> } }>) =>
        fx.clients.dynamodb.send(new TransactGetItemsCommand({ TransactItems }));
      await expect(transactGet([{ Get: { TableName, Key: key('A1') } }, { Get: { TableName, Key: key('A1') } }])).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'Transaction request cannot include multiple operations on one item',
      });
      const gets = Array.from({ length: 101 }, (_, index) => ({ Get: { TableName, Key: key(`S${index}`) } }));
      await expect(transactGet(gets)).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining("at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"),
      });
    });
  });
});

describe('DynamoDB transaction tokens over time (embedded endpoint, injected clock)', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock });
  const { createTable, put, transact, itemOf } = seatCalls(fx);

  it('when a ClientRequestToken is ten minutes old, a request under it is a new request', async () => {
    const TableName = await createTable();
    await put(TableName, { ...key('A1'), count: { N: '0' } });
    await transact([increment(TableName, 'A1')], 'token-old');
    clock.advance(10 * 60 * 1000 - 1);
    await transact([increment(TableName, 'A1')], 'token-old');
    expect((await itemOf(TableName, 'A1'))?.count).toEqual({ N: '1' });
    clock.advance(1);
    await transact([increment(TableName, 'A1')], 'token-old');
    expect((await itemOf(TableName, 'A1'))?.count).toEqual({ N: '2' });
  });
});
