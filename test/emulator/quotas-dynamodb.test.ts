import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { isThrottlingError } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { ManualClock } from '../../src/clock.js';
import { createKeyedTable } from '../helpers/dynamodb.js';
import { useEndpoint, uniqueName, type EndpointFixture } from '../helpers/endpoint.js';
import { advanceOnFailedAttempt, rejection, type ServiceError } from '../helpers/throttle.js';

// Items sized to consume a known number of units, so that a few calls drain a bucket:
// 249 KB of payload plus the names and key make an item of 250 write units (1 per KB)
// and 63 strongly consistent read units (1 per 4 KB).
const quarterMegabyte = 'x'.repeat(249 * 1024);
const item = (id: string, payload = quarterMegabyte): Record<string, AttributeValue> => ({ id: { S: id }, payload: { S: payload } });
const small = (id: string) => item(id, '');

/** A client that does not retry: a throttle surfaces at once. */
const noRetries = (fx: EndpointFixture) => createClients({ endpoint: fx.endpoint.url, maxAttempts: 1 }).dynamodb;
const put = (dynamodb: DynamoDBClient, TableName: string, Item: Record<string, AttributeValue>) => dynamodb.send(new PutItemCommand({ TableName, Item }));

async function provisionedTable(dynamodb: DynamoDBClient, units: number): Promise<string> {
  const TableName = uniqueName('provisioned');
  await dynamodb.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      ProvisionedThroughput: { ReadCapacityUnits: units, WriteCapacityUnits: units },
    }),
  );
  return TableName;
}

/** An on-demand table's throttle as AWS answers it: ThrottlingException, 400, which the SDK retries as a throttle. */
function expectOnDemandThrottle(error: ServiceError, reason?: string): void {
  expect(error.name).toBe('ThrottlingException');
  expect(error.message).toMatch(/^Throughput exceeds the current capacity of your table or index/);
  expect(error.$metadata.httpStatusCode).toBe(400);
  expect(isThrottlingError(error as never)).toBe(true);
  expect(error.throttlingReasons).toEqual(reason ? [{ reason, resource: expect.stringMatching(/^arn:aws:dynamodb:.*:table\//) }] : undefined);
}

function expectProvisionedThrottle(error: ServiceError, reason: string): void {
  expect(error.name).toBe('ProvisionedThroughputExceededException');
  expect(error.$metadata.httpStatusCode).toBe(400);
  expect(isThrottlingError(error as never)).toBe(true);
  expect(error.ThrottlingReasons).toEqual([{ reason, resource: expect.stringMatching(/:table\//) }]);
}

describe('DynamoDB partitions with --aws-quotas', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock, awsQuotas: { region: 'us-east-1' } });

  it('throttles a hot partition key at 1,000 write units a second while other keys write on', async () => {
    const dynamodb = noRetries(fx);
    const table = await createKeyedTable(dynamodb, uniqueName('hot'), 'id');
    for (let i = 0; i < 4; i += 1) await put(dynamodb, table, item('hot'));
    expectOnDemandThrottle(await rejection(put(dynamodb, table, small('hot'))), 'TableWriteKeyRangeThroughputExceeded');
    await put(dynamodb, table, item('cool'));
    // Reads of the hot key draw on the partition's read bucket, not its write one.
    await dynamodb.send(new GetItemCommand({ TableName: table, Key: { id: { S: 'hot' } } }));
    // A quarter of a second refills 250 units: enough to overwrite the 250-unit item (a write costs the larger of before and after), then nothing.
    clock.advance(250);
    await put(dynamodb, table, small('hot'));
    expectOnDemandThrottle(await rejection(put(dynamodb, table, small('hot'))), 'TableWriteKeyRangeThroughputExceeded');
  });

  it('counts read units by item size and consistency: 3,000 a second, an eventually consistent read half a strong one', async () => {
    const dynamodb = noRetries(fx);
    const table = await createKeyedTable(dynamodb, uniqueName('reads'), 'id');
    await put(dynamodb, table, item('hot'));
    const read = (ConsistentRead: boolean) => dynamodb.send(new GetItemCommand({ TableName: table, Key: { id: { S: 'hot' } }, ConsistentRead }));
    // 47 strong reads of 63 units are 2,961; 39 are left.
    for (let i = 0; i < 47; i += 1) await read(true);
    expectOnDemandThrottle(await rejection(read(true)), 'TableReadKeyRangeThroughputExceeded');
    await read(false);
    expectOnDemandThrottle(await rejection(read(false)), 'TableReadKeyRangeThroughputExceeded');
  });

  it('charges a transactional write twice the units of a standard one', async () => {
    const dynamodb = noRetries(fx);
    const table = await createKeyedTable(dynamodb, uniqueName('transactions'), 'id');
    const transact = () => dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: table, Item: item('hot') } }] }));
    await transact();
    await transact();
    expectOnDemandThrottle(await rejection(transact()), 'TableWriteKeyRangeThroughputExceeded');
  });

  it("caps a new on-demand table at 4,000 write units a second however its keys spread, with no ThrottlingReason AWS documents", async () => {
    const dynamodb = noRetries(fx);
    const table = await createKeyedTable(dynamodb, uniqueName('ceiling'), 'id');
    for (let i = 0; i < 16; i += 1) await put(dynamodb, table, item(`key-${i}`));
    expectOnDemandThrottle(await rejection(put(dynamodb, table, small('another-key'))));
  });
});

describe('DynamoDB provisioned tables with --aws-quotas', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock, awsQuotas: { region: 'us-east-1' } });

  it('allows its capacity a second plus up to 300 seconds of it as burst, then ProvisionedThroughputExceededException', async () => {
    const dynamodb = noRetries(fx);
    const table = await provisionedTable(dynamodb, 1);
    await put(dynamodb, table, item('a'));
    await put(dynamodb, table, item('b', 'x'.repeat(49 * 1024)));
    expectProvisionedThrottle(await rejection(put(dynamodb, table, small('c'))), 'TableWriteProvisionedThroughputExceeded');
    clock.advance(1000);
    await put(dynamodb, table, small('c'));
    expectProvisionedThrottle(await rejection(put(dynamodb, table, small('d'))), 'TableWriteProvisionedThroughputExceeded');
  });

  it("is retried by the SDK's own strategy (DynamoDB's client defaults) until the capacity has refilled", async () => {
    const table = await provisionedTable(noRetries(fx), 1);
    await put(noRetries(fx), table, item('a'));
    await put(noRetries(fx), table, item('b', 'x'.repeat(49 * 1024)));
    const dynamodb = new DynamoDBClient({ endpoint: fx.endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    dynamodb.middlewareStack.use(advanceOnFailedAttempt(clock, 1000));
    const written = await put(dynamodb, table, small('c'));
    expect(written.$metadata.attempts).toBe(2);
    expect(written.$metadata.totalRetryDelay).toBeGreaterThan(0);
    dynamodb.destroy();
  });
});

describe('DynamoDB without --aws-quotas', () => {
  const fx = useEndpoint({ clock: new ManualClock() });

  it('throttles nothing: 1,250 write units to one key in the same instant all pass', async () => {
    const dynamodb = noRetries(fx);
    const table = await createKeyedTable(dynamodb, uniqueName('free'), 'id');
    for (let i = 0; i < 5; i += 1) await put(dynamodb, table, item('hot'));
  });
});
