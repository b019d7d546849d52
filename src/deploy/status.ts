import { DescribeStateMachineCommand, paginateListExecutions } from '@aws-sdk/client-sfn';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clients.js';
import { awsFailure } from '../aws/errors.js';
import type { DeployContext } from './deploy.js';
import { readSeatSales, salesByEvent, type EventSales } from './events.js';
import { findActivityArn, findQueueUrl, findStateMachineArn, findSubscription, findTopicArn, findBookingsTopic, tableExists } from './lookup.js';
import type { ResourceKind } from './outcome.js';
import { profileOfDefinition, sabotageOfDefinition, sagaTasks } from './saga.js';
import type { Sabotage } from '../model/sabotage.js';
import { bookingsTopicThroughput, fifoQueueThroughput, stackNames, tableSpecs, throughputDefaults } from './stack.js';
import { type Topology } from '../model/topology.js';

/** A queue's depths as SQS reports them (approximate). */
export interface QueueDepth {
  name: string;
  visible: number;
  inFlight: number;
  /** Messages waiting in the queue's dead-letter queue, if it has one. */
  deadLetters?: number;
}

/** What `booksim status` shows. */
export interface StackStatus {
  stack: string;
  /** Whether every resource of the stack exists. */
  deployed: boolean;
  resources: Array<{ kind: ResourceKind; name: string; exists: boolean }>;
  queues: QueueDepth[];
  runningExecutions: number | undefined;
  /** The timing profile of the deployed saga, read from its definition. */
  profile: string | undefined;
  /** The sabotages baked into the deployed saga (`deploy --sabotage`), read from its definition; none for the correct one. */
  sabotage: Sabotage[];
  /** The topology of the deployed bookings topic; undefined when there is none. */
  topology: Topology | undefined;
  /** The events whose seats bookings reached (each storm sells its own); undefined without a seats table. */
  events: EventSales[] | undefined;
  /** Whether the FIFO topic and queues are in high-throughput mode (`deploy --high-throughput`): all, none or some of them; undefined without FIFO resources. */
  highThroughput: 'on' | 'off' | 'partly' | undefined;
  /** The IAM role the saga runs as (the stack's own, or the one `--role-arn` named); absent without a state machine. */
  sagaRole?: string;
}

/** A queue's approximate depth: messages visible and in flight. One GetQueueAttributes call. */
export async function readQueueDepth(clients: AwsClients, queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

/** Reads the state of a stack: which resources exist, queue depths, running sagas, the profile, the events on sale. */
export async function stackStatus(stack: string, context: Omit<DeployContext, 'onProgress'>): Promise<StackStatus> {
  try {
    return await readStatus(stack, context);
  } catch (error) {
    throw awsFailure(error, `read the status of stack ${stack}`, context.endpoint);
  }
}

async function readStatus(stack: string, { clients }: Omit<DeployContext, 'onProgress'>): Promise<StackStatus> {
  const bookings = await findBookingsTopic(clients, stack);
  const topology = bookings?.topology;
  const bookingsTopic = bookings?.arn;
  const names = stackNames(stack, topology);
  const queueUrls = new Map<string, string | undefined>();
  for (const name of [...names.streamQueues.flatMap((queue) => [queue.name, queue.dlq]), names.manualReviewQueue]) {
    queueUrls.set(name, await findQueueUrl(clients, name));
  }
  const stateMachineArn = await findStateMachineArn(clients, names.stateMachine);
  const subscribed = async (queue: string) => {
    const url = queueUrls.get(queue);
    if (!bookingsTopic || !url) return false;
    const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    return (await findSubscription(clients, bookingsTopic, Attributes?.QueueArn ?? '')) !== undefined;
  };
  const resources: StackStatus['resources'] = [
    { kind: 'topic', name: names.bookingsTopic, exists: bookingsTopic !== undefined },
    { kind: 'topic', name: names.notificationsTopic, exists: (await findTopicArn(clients, names.notificationsTopic)) !== undefined },
    ...[...queueUrls].map(([name, url]) => ({ kind: 'queue' as const, name, exists: url !== undefined })),
    ...(await Promise.all(
      names.streamQueues.map(async ({ name }) => ({ kind: 'subscription' as const, name: `${names.bookingsTopic} → ${name}`, exists: await subscribed(name) })),
    )),
    ...(await Promise.all(tableSpecs(names).map(async ({ input }) => ({ kind: 'table' as const, name: input.TableName!, exists: await tableExists(clients, input.TableName!) })))),
    ...(await Promise.all(sagaTasks.map(async (task) => ({ kind: 'activity' as const, name: names.activities[task], exists: (await findActivityArn(clients, names.activities[task])) !== undefined })))),
    { kind: 'state machine', name: names.stateMachine, exists: stateMachineArn !== undefined },
  ];

  const depth = async (name: string) => {
    const url = queueUrls.get(name);
    return url ? readQueueDepth(clients, url) : undefined;
  };
  const queues: QueueDepth[] = [];
  for (const { name, dlq } of [...names.streamQueues, { name: names.manualReviewQueue, dlq: undefined }]) {
    const main = await depth(name);
    if (!main) continue;
    const dead = dlq ? await depth(dlq) : undefined;
    queues.push({ name, ...main, ...(dead ? { deadLetters: dead.visible + dead.inFlight } : {}) });
  }

  let runningExecutions: number | undefined;
  let profile: string | undefined;
  let sabotage: Sabotage[] = [];
  let sagaRole: string | undefined;
  if (stateMachineArn) {
    const { definition, roleArn } = await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    sagaRole = roleArn;
    profile = definition ? profileOfDefinition(definition) : undefined;
    sabotage = definition ? sabotageOfDefinition(definition) : [];
    runningExecutions = 0;
    for await (const page of paginateListExecutions({ client: clients.sfn, pageSize: 1000 }, { stateMachineArn, statusFilter: 'RUNNING' })) {
      runningExecutions += page.executions?.length ?? 0;
    }
  }
  const seatsTableExists = resources.some((r) => r.kind === 'table' && r.name === names.tables.seats && r.exists);
  const events = seatsTableExists ? salesByEvent(await readSeatSales(clients, names.tables.seats)) : undefined;
  const highThroughput = await readHighThroughput(clients, topology === 'fifo-fanout' ? bookingsTopic : undefined, names.streamQueues.map(({ name }) => queueUrls.get(name)));
  return { stack, deployed: resources.every((r) => r.exists), resources, queues, runningExecutions, profile, sabotage, topology, events, highThroughput, ...(sagaRole ? { sagaRole } : {}) };
}

/** Whether the FIFO topic and queues that exist are in high-throughput mode: each read as deploy sets it (./stack.ts). */
async function readHighThroughput(clients: AwsClients, fifoTopicArn: string | undefined, queueUrls: Array<string | undefined>): Promise<StackStatus['highThroughput']> {
  const modes: boolean[] = [];
  const setting = (attributes: Record<string, string | undefined>, key: string) => attributes[key] ?? throughputDefaults[key];
  if (fifoTopicArn) {
    const { Attributes = {} } = await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: fifoTopicArn }));
    modes.push(setting(Attributes, 'FifoThroughputScope') === bookingsTopicThroughput('fifo-fanout', true).FifoThroughputScope);
  }
  const highQueue = fifoQueueThroughput(true);
  for (const url of queueUrls) {
    if (!url?.endsWith('.fifo')) continue;
    const { Attributes = {} } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['FifoThroughputLimit', 'DeduplicationScope'] }));
    modes.push(Object.entries(highQueue).every(([key, value]) => setting(Attributes, key) === value));
  }
  if (modes.length === 0) return undefined;
  return modes.every(Boolean) ? 'on' : modes.some(Boolean) ? 'partly' : 'off';
}
