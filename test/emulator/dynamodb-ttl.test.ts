import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

describe('DynamoDB Time to Live (embedded endpoint)', () => {
  const fx = useEndpoint();

  async function createTable(TableName = uniqueName('idempotency')): Promise<string> {
    await fx.clients.dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'key', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
      }),
    );
    return TableName;
  }

  const setTimeToLive = (TableName: string, Enabled: boolean, AttributeName = 'expiresAt') =>
    fx.clients.dynamodb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled, AttributeName } }));

  async function timeToLiveOf(TableName: string) {
    const { TimeToLiveDescription } = await fx.clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName }));
    return TimeToLiveDescription;
  }

  it('when a table is new, it describes TTL as DISABLED', async () => {
    expect(await timeToLiveOf(await createTable())).toEqual({ TimeToLiveStatus: 'DISABLED' });
  });

  it('when TTL is enabled, it answers the specification and describes it as ENABLED on that attribute', async () => {
    const TableName = await createTable();
    const { TimeToLiveSpecification } = await setTimeToLive(TableName, true);
    expect(TimeToLiveSpecification).toEqual({ Enabled: true, AttributeName: 'expiresAt' });
    expect(await timeToLiveOf(TableName)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('when TTL is enabled twice, it answers a ValidationException and keeps the setting', async () => {
    const TableName = await createTable();
    await setTimeToLive(TableName, true);
    await expect(setTimeToLive(TableName, true)).rejects.toMatchObject({ name: 'ValidationException', message: 'TimeToLive is already enabled' });
    await expect(setTimeToLive(TableName, true, 'other')).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'TimeToLive is active on a different AttributeName: current AttributeName is expiresAt',
    });
    expect(await timeToLiveOf(TableName)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('when TTL is disabled, it describes it as DISABLED, and disabling again answers a ValidationException', async () => {
    const TableName = await createTable();
    await setTimeToLive(TableName, true);
    await setTimeToLive(TableName, false);
    expect(await timeToLiveOf(TableName)).toEqual({ TimeToLiveStatus: 'DISABLED' });
    await expect(setTimeToLive(TableName, false)).rejects.toMatchObject({ name: 'ValidationException', message: 'TimeToLive is already disabled' });
  });

  it('when the specification lacks its members, it answers a ValidationException naming them', async () => {
    const TableName = await createTable();
    await expect(
      fx.clients.dynamodb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: {} as never })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/^2 validation errors detected: .*timeToLiveSpecification\.enabled.*timeToLiveSpecification\.attributeName/),
    });
  });

  it('when the table does not exist, both operations answer ResourceNotFoundException', async () => {
    const TableName = uniqueName('missing');
    await expect(setTimeToLive(TableName, true)).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(timeToLiveOf(TableName)).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('when a table is deleted and created again under its name, its TTL is DISABLED again', async () => {
    const TableName = await createTable();
    await setTimeToLive(TableName, true);
    await fx.clients.dynamodb.send(new DeleteTableCommand({ TableName }));
    await expect.poll(() => createTable(TableName).then(() => true, () => false)).toBe(true);
    expect(await timeToLiveOf(TableName)).toEqual({ TimeToLiveStatus: 'DISABLED' });
    await setTimeToLive(TableName, true, 'ttl');
    expect(await timeToLiveOf(TableName)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
  });

  it('when TTL is enabled, the table still serves reads and writes', async () => {
    const { dynamodb } = fx.clients;
    const TableName = await createTable();
    await setTimeToLive(TableName, true);
    await dynamodb.send(new PutItemCommand({ TableName, Item: { key: { S: 'k1' }, expiresAt: { N: '1' } } }));
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName, Key: { key: { S: 'k1' } } }));
    // Items do not expire on the embedded endpoint; AWS deletes expired items only lazily anyway.
    expect(Item?.expiresAt?.N).toBe('1');
  });
});
