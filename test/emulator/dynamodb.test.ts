import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

describe('DynamoDB (dynalite behind the router)', () => {
  const fx = useEndpoint();

  async function createSeatsTable(): Promise<string> {
    const TableName = uniqueName('seats');
    await fx.clients.dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'seatId', AttributeType: 'S' },
          { AttributeName: 'sequence', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'seatId', KeyType: 'HASH' },
          { AttributeName: 'sequence', KeyType: 'RANGE' },
        ],
      }),
    );
    return TableName;
  }

  it('when a table is created, it is ACTIVE at once', async () => {
    const TableName = await createSeatsTable();
    const { Table } = await fx.clients.dynamodb.send(new DescribeTableCommand({ TableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
  });

  it('when a conditional write loses, it answers ConditionalCheckFailedException and the first write stays', async () => {
    const { dynamodb } = fx.clients;
    const TableName = await createSeatsTable();
    const hold = (booking: string) =>
      dynamodb.send(
        new PutItemCommand({
          TableName,
          Item: { seatId: { S: 'A1' }, sequence: { N: '0' }, holder: { S: booking } },
          ConditionExpression: 'attribute_not_exists(seatId)',
        }),
      );
    await hold('B1');
    await expect(hold('B2')).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName, Key: { seatId: { S: 'A1' }, sequence: { N: '0' } } }));
    expect(Item?.holder?.S).toBe('B1');
  });

  it('when items share a partition key, a query returns them in sort-key order', async () => {
    const { dynamodb } = fx.clients;
    const TableName = await createSeatsTable();
    for (const sequence of [3, 1, 2]) {
      await dynamodb.send(new PutItemCommand({ TableName, Item: { seatId: { S: 'A2' }, sequence: { N: String(sequence) } } }));
    }
    const { Items } = await dynamodb.send(
      new QueryCommand({ TableName, KeyConditionExpression: 'seatId = :s', ExpressionAttributeValues: { ':s': { S: 'A2' } } }),
    );
    expect(Items?.map((item) => item.sequence?.N)).toEqual(['1', '2', '3']);
  });

  it('when a DynamoDB request is malformed, it answers a validation error and the other services keep serving', async () => {
    await expect(fx.clients.dynamodb.send(new GetItemCommand({ TableName: 'x', Key: {} }))).rejects.toMatchObject({ name: 'ValidationException' });
    await fx.clients.sqs.send(new ListQueuesCommand({}));
  });
});
