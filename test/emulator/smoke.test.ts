import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { useEndpoint } from '../helpers/endpoint.js';

describe('smoke', () => {
  const fx = useEndpoint();
  it('sqs and dynamodb answer', async () => {
    const { QueueUrl } = await fx.clients.sqs.send(new CreateQueueCommand({ QueueName: 'q1' }));
    await fx.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hi', MessageAttributes: { a: { DataType: 'String', StringValue: 'x' } } }));
    const r = await fx.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'] }));
    expect(r.Messages?.[0]?.Body).toBe('hi');
    await fx.clients.dynamodb.send(new CreateTableCommand({ TableName: 'tbl', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
    const t = await fx.clients.dynamodb.send(new ListTablesCommand({}));
    expect(t.TableNames).toContain('tbl');
  });
});
