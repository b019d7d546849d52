import { DeleteTableCommand, DescribeTableCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import { DeleteActivityCommand, DeleteStateMachineCommand, ListTagsForResourceCommand as ListSfnTagsCommand } from '@aws-sdk/client-sfn';
import { DeleteTopicCommand, ListTagsForResourceCommand as ListSnsTagsCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, GetQueueAttributesCommand, ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clients.js';
import { awsFailure } from '../aws/errors.js';
import type { DeployContext } from './deploy.js';
import { findActivityArn, findBookingsTopic, findQueueUrl, findStateMachineArn, findSubscription, findTopicArn, tableExists } from './lookup.js';
import type { ResourceKind, ResourceOutcome } from './outcome.js';
import { sagaTasks } from './saga.js';
import { stackNames, stackTagKey, tableSpecs } from './stack.js';

/** What destroy did to one resource: deleted, not there, or left because it lacks the stack's tag. */
type Removal = 'deleted' | 'absent' | 'left';

/** Whether a resource's tags, as [key, value] pairs, carry `booksim:stack=<stack>`. */
const carries = (stack: string, tags: Array<[string | undefined, string | undefined]>): boolean => tags.some(([key, value]) => key === stackTagKey && value === stack);

/** The stack-tag checks of each kind of resource, through the service's own tag call. */
const tagged = {
  sfn: async (clients: AwsClients, stack: string, arn: string) =>
    carries(stack, ((await clients.sfn.send(new ListSfnTagsCommand({ resourceArn: arn }))).tags ?? []).map((tag) => [tag.key, tag.value])),
  table: async (clients: AwsClients, stack: string, TableName: string) => {
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName }));
    return carries(stack, ((await clients.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: Table?.TableArn }))).Tags ?? []).map((tag) => [tag.Key, tag.Value]));
  },
  topic: async (clients: AwsClients, stack: string, arn: string) =>
    carries(stack, ((await clients.sns.send(new ListSnsTagsCommand({ ResourceArn: arn }))).Tags ?? []).map((tag) => [tag.Key, tag.Value])),
  queue: async (clients: AwsClients, stack: string, QueueUrl: string) => carries(stack, Object.entries((await clients.sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags ?? {})),
};

/**
 * Deletes every resource of the stack: found by its stack-prefixed name, and deleted only
 * when it carries the stack's tag (`booksim:stack=<stack>`, which deploy puts on all it
 * creates); one of the stack's name without it is left and reported `left`, and a
 * subscription (SNS cannot tag one) goes only with a tagged topic and queue. A resource
 * already gone is reported `absent`. The reverse of deploy's order, so nothing is left
 * pointing at what was removed.
 */
export async function destroyStack(stack: string, context: DeployContext): Promise<ResourceOutcome[]> {
  const { clients } = context;
  const bookings = await findBookingsTopic(clients, stack).catch((error: unknown) => {
    throw awsFailure(error, `find the bookings topic of stack ${stack}`, context.endpoint);
  });
  const names = stackNames(stack, bookings?.topology);
  const outcomes: ResourceOutcome[] = [];
  const untagged = `no ${stackTagKey}=${stack} tag: not booksim's to delete`;
  const remove = async (kind: ResourceKind, name: string, action: () => Promise<Removal | boolean>) => {
    try {
      const done = await action();
      const outcome = done === true ? 'deleted' : done === false ? 'absent' : done;
      const result: ResourceOutcome = { kind, name, outcome, ...(outcome === 'left' ? { detail: kind === 'subscription' ? `its topic or queue has no ${stackTagKey}=${stack} tag` : untagged } : {}) };
      outcomes.push(result);
      context.onProgress?.(result);
    } catch (error) {
      throw awsFailure(error, `delete ${kind} ${name}`, context.endpoint);
    }
  };

  await remove('state machine', names.stateMachine, async () => {
    const arn = await findStateMachineArn(clients, names.stateMachine);
    if (!arn) return 'absent';
    if (!(await tagged.sfn(clients, stack, arn))) return 'left';
    await clients.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    return 'deleted';
  });
  for (const task of sagaTasks) {
    await remove('activity', names.activities[task], async () => {
      const arn = await findActivityArn(clients, names.activities[task]);
      if (!arn) return 'absent';
      if (!(await tagged.sfn(clients, stack, arn))) return 'left';
      await clients.sfn.send(new DeleteActivityCommand({ activityArn: arn }));
      return 'deleted';
    });
  }
  for (const spec of tableSpecs(names)) {
    const TableName = spec.input.TableName!;
    await remove('table', TableName, async () => {
      if (!(await tableExists(clients, TableName))) return 'absent';
      if (!(await tagged.table(clients, stack, TableName))) return 'left';
      await clients.dynamodb.send(new DeleteTableCommand({ TableName }));
      return 'deleted';
    });
  }
  const bookingsTopic = bookings?.arn;
  for (const { name: queue } of names.streamQueues) {
    await remove('subscription', `${names.bookingsTopic} → ${queue}`, async () => {
      const url = await findQueueUrl(clients, queue);
      if (!bookingsTopic || !url) return false;
      const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
      const subscription = await findSubscription(clients, bookingsTopic, Attributes?.QueueArn ?? '');
      if (!subscription?.SubscriptionArn) return subscription !== undefined;
      if (!(await tagged.topic(clients, stack, bookingsTopic)) || !(await tagged.queue(clients, stack, url))) return 'left';
      await clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: subscription.SubscriptionArn }));
      return 'deleted';
    });
  }
  for (const topic of [names.bookingsTopic, names.notificationsTopic]) {
    await remove('topic', topic, async () => {
      const arn = await findTopicArn(clients, topic);
      if (!arn) return 'absent';
      if (!(await tagged.topic(clients, stack, arn))) return 'left';
      await clients.sns.send(new DeleteTopicCommand({ TopicArn: arn }));
      return 'deleted';
    });
  }
  for (const queue of [names.manualReviewQueue, ...names.streamQueues.toReversed().flatMap((stream) => [stream.name, stream.dlq])]) {
    await remove('queue', queue, async () => {
      const url = await findQueueUrl(clients, queue);
      if (!url) return 'absent';
      if (!(await tagged.queue(clients, stack, url))) return 'left';
      await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      return 'deleted';
    });
  }
  return outcomes;
}
