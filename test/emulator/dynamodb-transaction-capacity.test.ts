import { PutItemCommand, TransactGetItemsCommand, TransactWriteItemsCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createKeyedTable } from '../helpers/dynamodb.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

const key = (seatId: string) => ({ seatId: { S: seatId } });
/** An item of about `kb` KB: one attribute of that many bytes. */
const sized = (seatId: string, kb: number): Record<string, AttributeValue> => ({ ...key(seatId), blob: { S: 'x'.repeat(kb * 1024 - 20) } });

describe('DynamoDB transactions: consumed capacity (embedded endpoint, through the SDK)', () => {
  const fx = useEndpoint();
  const table = () => createKeyedTable(fx.clients.dynamodb, uniqueName('capacity'), 'seatId');

  it('when a TransactWriteItems asks for TOTAL, it answers twice the write units of each item, per table in the order the request names them', async () => {
    const [seats, holds] = [await table(), await table()];
    await fx.clients.dynamodb.send(new PutItemCommand({ TableName: seats, Item: sized('S2', 3) }));
    const { ConsumedCapacity } = await fx.clients.dynamodb.send(
      new TransactWriteItemsCommand({
        ReturnConsumedCapacity: 'TOTAL',
        TransactItems: [
          // Under 1 KB: 1 unit, 2 in a transaction.
          { Put: { TableName: seats, Item: key('S1') } },
          // 3 KB before, less after: the larger counts, 3 units, 6 in a transaction.
          { Update: { TableName: seats, Key: key('S2'), UpdateExpression: 'REMOVE #blob', ExpressionAttributeNames: { '#blob': 'blob' } } },
          // A ConditionCheck is billed as a write of the item as it is (none: 1 unit).
          { ConditionCheck: { TableName: holds, Key: key('H1'), ConditionExpression: 'attribute_not_exists(seatId)' } },
        ],
      }),
    );
    expect(ConsumedCapacity).toEqual([
      { TableName: seats, CapacityUnits: 8 },
      { TableName: holds, CapacityUnits: 2 },
    ]);
  });

  it('when a TransactGetItems asks for INDEXES, it answers twice the strongly consistent read units of each item, per table with the table’s own', async () => {
    const seats = await table();
    await fx.clients.dynamodb.send(new PutItemCommand({ TableName: seats, Item: sized('S1', 6) }));
    const { ConsumedCapacity } = await fx.clients.dynamodb.send(
      new TransactGetItemsCommand({
        ReturnConsumedCapacity: 'INDEXES',
        // 6 KB: 2 read units, 4 in a transaction; a missing item costs as one of up to 4 KB (2); a projection reads the whole item.
        TransactItems: [{ Get: { TableName: seats, Key: key('S1'), ProjectionExpression: 'seatId' } }, { Get: { TableName: seats, Key: key('none') } }],
      }),
    );
    expect(ConsumedCapacity).toEqual([{ TableName: seats, CapacityUnits: 6, Table: { CapacityUnits: 6 } }]);
  });

  it('when ReturnConsumedCapacity is not asked for (or NONE), the answer has no ConsumedCapacity, as before', async () => {
    const seats = await table();
    const write = await fx.clients.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: seats, Item: key('S1') } }] }));
    expect(write.ConsumedCapacity).toBeUndefined();
    const read = await fx.clients.dynamodb.send(new TransactGetItemsCommand({ ReturnConsumedCapacity: 'NONE', TransactItems: [{ Get: { TableName: seats, Key: key('S1') } }] }));
    expect(read.ConsumedCapacity).toBeUndefined();
    expect(read.Responses).toEqual([{ Item: key('S1') }]);
  });
});
