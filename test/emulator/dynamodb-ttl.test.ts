import {
  DeleteTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createKeyedTable } from '../helpers/dynamodb.js';
import { useEndpoint, uniqueName, type EndpointFixture } from '../helpers/endpoint.js';

/** Table and TTL calls against the endpoint of `fx`, read when called. */
function timeToLiveCalls(fx: EndpointFixture) {
  const createTable = (TableName = uniqueName('idempotency')) => createKeyedTable(fx.clients.dynamodb, TableName, 'key');

  const setTimeToLive = (TableName: string, Enabled: boolean, AttributeName = 'expiresAt') =>
    fx.clients.dynamodb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled, AttributeName } }));

  async function timeToLiveOf(TableName: string) {
    const { TimeToLiveDescription } = await fx.clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName }));
    return TimeToLiveDescription;
  }

  return { createTable, setTimeToLive, timeToLiveOf };
}

describe('DynamoDB Time to Live (embedded endpoint)', () => {
  const fx = useEndpoint();
  const { createTable, setTimeToLive, timeToLiveOf } = timeToLiveCalls(fx);

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
    // Expired since 1970, over five years ago: TTL leaves such a value alone.
    expect(Item?.expiresAt?.N).toBe('1');
  });
});

describe('DynamoDB Time to Live expiry (embedded endpoint, injected clock)', () => {
  const clock = new ManualClock();
  const sweepMs = 10_000;
  const fx = useEndpoint({ clock, timeToLiveSweepMs: sweepMs });
  const { createTable, setTimeToLive } = timeToLiveCalls(fx);
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const fiveYears = 5 * 365 * 24 * 60 * 60;

  const put = (TableName: string, key: string, expiresAt?: AttributeValue) =>
    fx.clients.dynamodb.send(new PutItemCommand({ TableName, Item: { key: { S: key }, ...(expiresAt ? { expiresAt } : {}) } }));
  async function exists(TableName: string, key: string): Promise<boolean> {
    const { Item } = await fx.clients.dynamodb.send(new GetItemCommand({ TableName, Key: { key: { S: key } }, ConsistentRead: true }));
    return Item !== undefined;
  }
  /** Moves the clock on by `ms`, past the next sweep, and waits until that sweep has finished: the one after it is then set. */
  async function sweepAfter(ms: number): Promise<void> {
    expect(clock.pendingTimers).toBe(1);
    clock.advance(ms);
    await clock.whenPending(1);
  }
  const sweep = () => sweepAfter(sweepMs);

  it('when an item is past its TTL, it stays readable until the sweep deletes it; items not yet expired stay', async () => {
    const TableName = await createTable();
    await setTimeToLive(TableName, true);
    await put(TableName, 'expired', { N: String(nowSeconds() - 60) });
    await put(TableName, 'later', { N: String(nowSeconds() + 3600) });
    await put(TableName, 'no-ttl');
    expect(await exists(TableName, 'expired')).toBe(true);
    await sweep();
    expect(await exists(TableName, 'expired')).toBe(false);
    expect(await exists(TableName, 'later')).toBe(true);
    expect(await exists(TableName, 'no-ttl')).toBe(true);
  });

  it('when the TTL attribute is not a Number, or five years or more in the past, the item is left alone', async () => {
    const TableName = await createTable();
    await setTimeToLive(TableName, true);
    await put(TableName, 'string', { S: String(nowSeconds() - 60) });
    await put(TableName, 'set', { NS: [String(nowSeconds() - 60)] });
    await put(TableName, 'ancient', { N: String(nowSeconds() - fiveYears) });
    await put(TableName, 'old', { N: String(nowSeconds() - fiveYears + 3600) });
    await sweep();
    expect(await exists(TableName, 'string')).toBe(true);
    expect(await exists(TableName, 'set')).toBe(true);
    expect(await exists(TableName, 'ancient')).toBe(true);
    expect(await exists(TableName, 'old')).toBe(false);
  });

  it('when an expired item is updated to a later expiry before the sweep, it stays', async () => {
    const TableName = await createTable();
    await setTimeToLive(TableName, true);
    await put(TableName, 'renewed', { N: String(nowSeconds() - 60) });
    await fx.clients.dynamodb.send(
      new UpdateItemCommand({ TableName, Key: { key: { S: 'renewed' } }, UpdateExpression: 'SET expiresAt = :later', ExpressionAttributeValues: { ':later': { N: String(nowSeconds() + 3600) } } }),
    );
    await sweep();
    expect(await exists(TableName, 'renewed')).toBe(true);
    await sweepAfter(2 * 3600 * 1000);
    expect(await exists(TableName, 'renewed')).toBe(false);
  });

  it('when a table has TTL disabled, or on another attribute, its expired items stay', async () => {
    const disabled = await createTable();
    await put(disabled, 'expired', { N: String(nowSeconds() - 60) });
    const other = await createTable();
    await setTimeToLive(other, true, 'ttl');
    await put(other, 'expired', { N: String(nowSeconds() - 60) });
    await sweep();
    expect(await exists(disabled, 'expired')).toBe(true);
    expect(await exists(other, 'expired')).toBe(true);
  });

  it('when a table with TTL is deleted, the sweep goes on for the others', async () => {
    const gone = await createTable();
    await setTimeToLive(gone, true);
    await fx.clients.dynamodb.send(new DeleteTableCommand({ TableName: gone }));
    const TableName = await createTable();
    await setTimeToLive(TableName, true);
    await put(TableName, 'expired', { N: String(nowSeconds() - 60) });
    await sweep();
    expect(await exists(TableName, 'expired')).toBe(false);
  });
});

describe('DynamoDB Time to Live with sweeping off (timeToLiveSweepMs 0)', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock, timeToLiveSweepMs: 0 });
  const { createTable, setTimeToLive } = timeToLiveCalls(fx);

  it('when TTL is enabled, no item is ever deleted', async () => {
    const TableName = await createTable();
    await setTimeToLive(TableName, true);
    await fx.clients.dynamodb.send(new PutItemCommand({ TableName, Item: { key: { S: 'expired' }, expiresAt: { N: String(Math.floor(clock.now() / 1000) - 60) } } }));
    expect(clock.pendingTimers).toBe(0);
    clock.advance(24 * 3600 * 1000);
    const { Item } = await fx.clients.dynamodb.send(new GetItemCommand({ TableName, Key: { key: { S: 'expired' } } }));
    expect(Item).toBeDefined();
  });
});
