import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { paginateListActivities, paginateListStateMachines } from '@aws-sdk/client-sfn';
import { paginateListSubscriptionsByTopic, paginateListTopics, type Subscription } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, QueueDoesNotExist } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clients.js';
import { stackNames } from './stack.js';
import { topologies, type Topology } from '../model/topology.js';

/**
 * Finding a stack's resources by name. Each answers undefined for a resource that does
 * not exist and lets any other error through. Every URL and ARN comes from the API,
 * never built (LocalStack and AWS shape queue URLs differently).
 */

/** The first item of a paginated listing that matches, reading no further pages than needed. */
async function findInPages<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => Item[] | undefined, match: (item: Item) => boolean): Promise<Item | undefined> {
  for await (const page of pages) {
    const found = items(page)?.find(match);
    if (found) return found;
  }
  return undefined;
}

/** The ARN of the topic with this name. */
export async function findTopicArn(clients: AwsClients, name: string): Promise<string | undefined> {
  const topic = await findInPages(paginateListTopics({ client: clients.sns }, {}), (page) => page.Topics, (t) => t.TopicArn?.split(':').pop() === name);
  return topic?.TopicArn;
}

/** The topic's subscription delivering to this queue ARN. */
export function findSubscription(clients: AwsClients, topicArn: string, queueArn: string): Promise<Subscription | undefined> {
  return findInPages(
    paginateListSubscriptionsByTopic({ client: clients.sns }, { TopicArn: topicArn }),
    (page) => page.Subscriptions,
    (s) => s.Protocol === 'sqs' && s.Endpoint === queueArn,
  );
}

/** The URL of the queue with this name. */
export async function findQueueUrl(clients: AwsClients, name: string): Promise<string | undefined> {
  try {
    return (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (error instanceof QueueDoesNotExist || (error as Error).name === 'AWS.SimpleQueueService.NonExistentQueue') return undefined;
    throw error;
  }
}

/** Whether the table exists (in any state). */
export async function tableExists(clients: AwsClients, name: string): Promise<boolean> {
  try {
    await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

/** The ARN of the activity with this name. */
export async function findActivityArn(clients: AwsClients, name: string): Promise<string | undefined> {
  const activity = await findInPages(paginateListActivities({ client: clients.sfn }, {}), (page) => page.activities, (a) => a.name === name);
  return activity?.activityArn;
}

/** The ARN of the state machine with this name. */
export async function findStateMachineArn(clients: AwsClients, name: string): Promise<string | undefined> {
  const machine = await findInPages(paginateListStateMachines({ client: clients.sfn }, {}), (page) => page.stateMachines, (m) => m.name === name);
  return machine?.stateMachineArn;
}

/**
 * A stack's bookings topic: its ARN, and the topology the stack was deployed with, which
 * the topic's name tells (one ListTopics pass for every topology's name); undefined when
 * the stack has no bookings topic.
 */
export async function findBookingsTopic(clients: AwsClients, stack: string): Promise<{ arn: string; topology: Topology } | undefined> {
  const byTopic = new Map(topologies.map((topology) => [stackNames(stack, topology).bookingsTopic, topology]));
  const nameOf = (arn: string | undefined) => arn?.split(':').pop() ?? '';
  const topic = await findInPages(paginateListTopics({ client: clients.sns }, {}), (page) => page.Topics, (t) => byTopic.has(nameOf(t.TopicArn)));
  return topic ? { arn: topic.TopicArn!, topology: byTopic.get(nameOf(topic.TopicArn))! } : undefined;
}
