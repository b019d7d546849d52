import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Creates an on-demand table keyed by one string attribute and returns its name. */
export async function createKeyedTable(dynamodb: DynamoDBClient, TableName: string, keyName: string): Promise<string> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: keyName, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: keyName, KeyType: 'HASH' }],
    }),
  );
  return TableName;
}
