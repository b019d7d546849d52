import { CreateQueueCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { CreateTableCommand, GetItemCommand, PutItemCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { runCli, spawnCli, unwrap, waitForLine } from '../helpers/cli.js';

const readyLine = /booksim local ready at (http:\/\/127\.0\.0\.1:(\d+))/;

describe('booksim local', () => {
  it('when started on a free port, it prints the URL, serves the SDK, and stops cleanly on SIGTERM', async () => {
    const cli = spawnCli(['local', '--port', '0']);
    const [, url] = await waitForLine(cli, readyLine);
    const clients = createClients({ endpoint: url! });
    try {
      await clients.sqs.send(new CreateQueueCommand({ QueueName: 'cli-test' }));
      expect((await clients.sqs.send(new ListQueuesCommand({}))).QueueUrls).toEqual([`${url}/000000000000/cli-test`]);
      await clients.sns.send(new ListTopicsCommand({}));
      expect(await (await fetch(`${url}/_localstack/health`)).json()).toMatchObject({ services: { sqs: 'running', sns: 'running', dynamodb: 'running', stepfunctions: 'running' } });
    } finally {
      clients.destroy();
    }
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain('booksim local stopped (SIGTERM)');
  });

  it('when the port is taken, it says so in one line and exits 4 without a stack trace', async () => {
    const first = spawnCli(['local', '--port', '0']);
    const [, , port] = await waitForLine(first, readyLine);
    try {
      const second = await runCli(['local', '--port', port!]);
      expect(second.code).toBe(4);
      expect(unwrap(second.stderr)).toContain(`port ${port} is in use — is LocalStack running?`);
      expect(second.stderr).not.toMatch(/\n\s+at /);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  });

  it('when asked to bind a non-loopback address, it refuses with exit 2', async () => {
    const result = await runCli(['local', '--host', '0.0.0.0', '--port', '0']);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('is not a loopback address');
  });

  it('when --standard-queue-chaos is not a probability, it refuses with exit 2', async () => {
    const result = await runCli(['local', '--standard-queue-chaos', '2', '--port', '0']);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('--standard-queue-chaos must be a number from 0 to 1');
  });

  it('when given --ttl-sweep-interval, it deletes DynamoDB items past their TTL that often', async () => {
    const cli = spawnCli(['local', '--port', '0', '--ttl-sweep-interval', '100ms']);
    const [, url] = await waitForLine(cli, readyLine);
    const clients = createClients({ endpoint: url! });
    const { dynamodb } = clients;
    try {
      const TableName = 'sessions';
      await dynamodb.send(
        new CreateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }),
      );
      await dynamodb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }));
      await dynamodb.send(new PutItemCommand({ TableName, Item: { id: { S: 's1' }, expiresAt: { N: String(Math.floor(Date.now() / 1000) - 60) } } }));
      await expect.poll(async () => (await dynamodb.send(new GetItemCommand({ TableName, Key: { id: { S: 's1' } } }))).Item, { timeout: 5000 }).toBeUndefined();
    } finally {
      clients.destroy();
    }
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('when --ttl-sweep-interval is not a duration, it refuses with exit 2', async () => {
    const result = await runCli(['local', '--ttl-sweep-interval', 'soon', '--port', '0']);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('--ttl-sweep-interval "soon" is not a duration');
  });

  it('when asked for help, it shows examples and the exit codes', async () => {
    const result = await runCli(['local', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('booksim local --port 4567');
    expect(result.stdout).toContain('4  environment error');
  });
});
