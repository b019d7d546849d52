import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DescribeTableCommand,
  paginateScan,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB leaves alone a TTL value five years or more in the past, "to avoid a possible
 * accidental deletion due to a malformed TTL value" (Developer Guide, How it works:
 * DynamoDB Time to Live).
 */
const oldestExpirySeconds = 5 * 365 * 24 * 60 * 60;

/**
 * Deletes the items of one table whose TTL attribute has expired, as DynamoDB's background
 * TTL process does: a Number, in epoch seconds, earlier than now but less than five years
 * earlier; an attribute of another type (a string, a set) is ignored. Each item is deleted
 * only if it is still expired then, so an update that moved or removed its expiry in the
 * meantime is honoured. Works through the endpoint's own API, as any client would.
 */
export async function sweepExpiredItems(client: DynamoDBClient, TableName: string, attributeName: string, nowMs: number): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName }));
  const keyNames = (Table?.KeySchema ?? []).map(({ AttributeName }) => AttributeName!);
  const nowSeconds = Math.floor(nowMs / 1000);
  // Comparing with Numbers matches Number attributes only, so other types are never expired.
  const expired = {
    expression: '#ttl < :now AND #ttl > :oldest',
    names: { '#ttl': attributeName },
    values: { ':now': { N: String(nowSeconds) }, ':oldest': { N: String(nowSeconds - oldestExpirySeconds) } },
  };
  const keyPlaceholders = Object.fromEntries(keyNames.map((name, index) => [`#key${index}`, name]));
  const pages = paginateScan(
    { client },
    {
      TableName,
      ConsistentRead: true,
      FilterExpression: expired.expression,
      ProjectionExpression: Object.keys(keyPlaceholders).join(', '),
      ExpressionAttributeNames: { ...expired.names, ...keyPlaceholders },
      ExpressionAttributeValues: expired.values,
    },
  );
  for await (const { Items = [] } of pages) {
    for (const Key of Items) await deleteIfExpired(client, TableName, Key, expired);
  }
}

async function deleteIfExpired(
  client: DynamoDBClient,
  TableName: string,
  Key: Record<string, AttributeValue>,
  expired: { expression: string; names: Record<string, string>; values: Record<string, AttributeValue> },
): Promise<void> {
  try {
    await client.send(
      new DeleteItemCommand({
        TableName,
        Key,
        ConditionExpression: expired.expression,
        ExpressionAttributeNames: expired.names,
        ExpressionAttributeValues: expired.values,
      }),
    );
  } catch (error) {
    // Updated since the scan: its new expiry is honoured.
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
