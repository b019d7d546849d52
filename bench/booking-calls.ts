// The per-call benchmark (`npm run bench:calls`): the CPU one call of each operation a
// rejected booking makes costs, on both ends, against `booksim local` in its own process:
// the endpoint's CPU (from /proc) and this client process's (the AWS SDK v3 and Node's
// HTTP), 16 concurrent loops, each operation measured after a warm-up pass of its own, the
// whole sequence twice (the second counts).
// From them, the floor of a rejected booking: its calls added up, with nothing else
// running — what a storm could cost per booking if the processes did not share the cores.
// Appends a section to BENCHMARKS.md.
//
// Usage: npm run bench:calls [-- --calls N]   (calls per operation, default 2400)
// Exit codes: 0 measured; 2 the benchmark could not run.

import { parseArgs } from 'node:util';
import { CreateTableCommand, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createClients, type AwsClients } from '../src/aws/clients.js';
import { conditional } from '../src/functions/dynamo.js';
import { describeMachine } from './lib/machine.js';
import { appendSection } from './lib/report.js';
import { startBooksimLocal, type ServerProcess } from './lib/server-process.js';

const loops = 16;
const seats = 100;

/** One operation of a rejected booking, and how to make one call of it. */
interface Operation {
  name: string;
  /** How many a rejected booking makes. */
  perBooking: number;
  /** AWS calls one `call()` makes (default 1). */
  calls?: number;
  /** `call()`s per call counted (default 1): a receive of ten runs a tenth as often. */
  runsPerCall?: number;
  call(): Promise<unknown>;
}

/** An operation's CPU µs per call, on each end. */
interface Measured extends Operation {
  endpointUs: number;
  clientUs: number;
}

/**
 * A rejected booking's calls, as the functions make them (src/functions/): the API's
 * conditional PutItem and its Publish to the FIFO topic (fanned out to two FIFO queues),
 * the inventory function's conditional UpdateItem on the seat, the payment function's
 * UpdateItem of the status and its share of a seat read. `perBooking` is how many of each
 * a rejected booking makes (the receive and delete of each queue shared by ten messages).
 */
function operations(clients: AwsClients, { TopicArn, queueUrls }: { TopicArn: string; queueUrls: string[] }): Operation[] {
  let n = 0;
  const seatKey = () => ({ k: { S: `S${n % seats}` } });
  const receive = (QueueUrl: string) => async () => {
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    if (Messages.length > 0) await clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
  };
  return [
    {
      name: 'DynamoDB PutItem, conditional (the booking, PENDING)',
      perBooking: 1,
      call: () => clients.dynamodb.send(new PutItemCommand({ TableName: 'bookings', Item: { k: { S: `B${n++}` }, status: { S: 'PENDING' }, amount: { N: '4200' } }, ConditionExpression: 'attribute_not_exists(k)' })),
    },
    {
      name: 'SNS FIFO Publish, two SQS FIFO subscribers',
      perBooking: 1,
      call: () => clients.sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify({ bookingId: `B${n}` }), MessageGroupId: `S${n % seats}`, MessageDeduplicationId: `d${n++}` })),
    },
    {
      name: 'DynamoDB UpdateItem, conditional list_append + ADD (a place in the line)',
      perBooking: 1,
      call: () =>
        clients.dynamodb.send(
          new UpdateItemCommand({
            TableName: 'seats',
            Key: seatKey(),
            UpdateExpression: 'SET #line = list_append(if_not_exists(#line, :empty), :one) ADD #seen :seen',
            ConditionExpression: 'NOT contains(#seen, :b)',
            ExpressionAttributeNames: { '#line': 'line', '#seen': 'seen' },
            ExpressionAttributeValues: { ':empty': { L: [] }, ':one': { L: [{ S: `B${n}` }] }, ':seen': { SS: [`B${n}`] }, ':b': { S: `B${n++}` } },
          }),
        ),
    },
    {
      name: 'DynamoDB UpdateItem, conditional SET (REJECTED)',
      perBooking: 1,
      // A failed condition (its keys are past the bookings put above) is an answer, as the functions take it (src/functions/dynamo.ts).
      call: () =>
        conditional(
          clients.dynamodb.send(
            new UpdateItemCommand({
              TableName: 'bookings',
              Key: { k: { S: `B${n++}` } },
              UpdateExpression: 'SET #status = :rejected',
              ConditionExpression: '#status IN (:pending)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':rejected': { S: 'REJECTED' }, ':pending': { S: 'PENDING' } },
            }),
          ),
        ),
    },
    { name: 'DynamoDB GetItem, consistent (the seat)', perBooking: 0.1, call: () => clients.dynamodb.send(new GetItemCommand({ TableName: 'seats', Key: seatKey(), ConsistentRead: true })) },
    // Each receives ten of what the Publish passes above sent (a FIFO receive fills with one group), so it runs a tenth as often.
    ...queueUrls.map((url, i) => ({ name: `SQS FIFO ReceiveMessage of 10 + DeleteMessageBatch (${i === 0 ? 'inventory' : 'payment'} queue)`, perBooking: 0.1, calls: 2, runsPerCall: 0.1, call: receive(url) })),
  ];
}

async function deploy(clients: AwsClients): Promise<{ TopicArn: string; queueUrls: string[] }> {
  for (const TableName of ['bookings', 'seats']) {
    await clients.dynamodb.send(new CreateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }] }));
  }
  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: 'bookings.fifo', Attributes: { FifoTopic: 'true' } }));
  if (!TopicArn) throw new Error('CreateTopic returned no TopicArn');
  const queueUrls: string[] = [];
  for (const name of ['inventory', 'payment']) {
    const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: 'true' } }));
    const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    if (!QueueUrl || !Attributes?.QueueArn) throw new Error(`CreateQueue ${name}.fifo returned no QueueUrl or QueueArn`);
    await clients.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
    queueUrls.push(QueueUrl);
  }
  return { TopicArn, queueUrls };
}

/** CPU µs per call on each end: `loops` concurrent loops of `calls` calls in all, after a warm-up pass as long. */
async function measure(endpoint: ServerProcess, operation: Operation, calls: number): Promise<{ endpointUs: number; clientUs: number }> {
  const runs = calls * (operation.runsPerCall ?? 1);
  const pass = () =>
    Promise.all(
      Array.from({ length: loops }, async () => {
        for (let i = 0; i < runs / loops; i++) await operation.call();
      }),
    );
  await pass();
  const endpointBefore = endpoint.cpuMs() ?? Number.NaN;
  const clientBefore = process.cpuUsage();
  await pass();
  const client = process.cpuUsage(clientBefore);
  const made = runs * (operation.calls ?? 1);
  return { endpointUs: (((endpoint.cpuMs() ?? Number.NaN) - endpointBefore) * 1000) / made, clientUs: (client.user + client.system) / made };
}

function formatSection({ date, node, cpu, calls, results }: { date: string; node: string; cpu: string; calls: number; results: Measured[] }): string {
  const us = (x: number) => x.toFixed(0);
  const floor = (side: 'endpointUs' | 'clientUs') => results.reduce((sum, r) => sum + r[side] * r.perBooking * (r.calls ?? 1), 0) / 1000;
  const rows = results.map((r) => `| ${r.name} | ${r.perBooking * (r.calls ?? 1)} | ${us(r.endpointUs)} | ${us(r.clientUs)} |`);
  return `
## CPU per call of a rejected booking's operations, ${date}

- Node ${node}; CPU ${cpu}; \`booksim local\` in its own process, the AWS SDK v3 clients in the benchmark's, ${loops} concurrent loops, ${calls} calls per operation after a warm-up pass as long, the second of two rounds (\`npm run bench:calls\`)

| operation | calls per rejected booking | endpoint µs per call | client µs per call |
|---|---:|---:|---:|
${rows.join('\n')}

**Floor of a rejected booking, nothing else running: endpoint ${floor('endpointUs').toFixed(2)} ms + client ${floor('clientUs').toFixed(2)} ms = ${(floor('endpointUs') + floor('clientUs')).toFixed(2)} ms of CPU**, before the HTTP of the load generator and the booking API, and before the processes of a storm share the cores.
`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { calls: { type: 'string', default: '2400' } } });
  const calls = Number(values.calls);
  const endpoint = await startBooksimLocal();
  const clients = createClients({ endpoint: endpoint.url });
  let results: Measured[] = [];
  try {
    const all = operations(clients, await deploy(clients));
    // Twice through, keeping the second: the first warms the client's code for every operation.
    for (const round of [1, 2]) {
      results = [];
      for (const operation of all) {
        results.push({ ...operation, ...(await measure(endpoint, operation, calls)) });
        process.stderr.write(`round ${round}: measured ${operation.name}\n`);
      }
    }
  } finally {
    clients.destroy();
    await endpoint.stop();
  }
  const section = formatSection({ date: new Date().toISOString(), node: process.version, cpu: describeMachine(), calls, results });
  appendSection(section);
  process.stdout.write(section);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:calls could not run: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
