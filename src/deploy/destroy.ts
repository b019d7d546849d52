import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteActivityCommand, DeleteStateMachineCommand, DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { DeleteTopicCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { awsFailure } from '../aws/errors.js';
import type { DeployContext } from './deploy.js';
import { findActivityArn, findBookingsTopic, findQueueUrl, findStateMachineArn, findSubscription, findTopicArn, tableExists } from './lookup.js';
import type { ResourceKind, ResourceOutcome } from './outcome.js';
import { deleteSagaRole } from './saga-role.js';
import { sagaTasks } from './saga.js';
import { stackNames, stackTagKey, tableSpecs } from './stack.js';
import { carriesStackTag } from './tags.js';

/** What destroy did to one resource: deleted, not there, or left because it lacks the stack's tag. */
type Removal = 'deleted' | 'absent' | 'left';

/**
 * Deletes every resource of the stack: found by its stack-prefixed name, and deleted only
 * when it carries the stack's tag (`booksim:stack=<stack>`, which deploy puts on all it
 * creates); one of the stack's name without it is left and reported `left`, and a
 * subscription (SNS cannot tag one) goes only with a tagged topic and queue. A resource
 * already gone is reported `absent`. The reverse of deploy's order, so nothing is left
 * pointing at what was removed; the saga's role last (see below).
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

  // The role the saga runs as, read before its state machine goes: the stack's own is deleted last, one --role-arn named never.
  let ownRole = true;
  await remove('state machine', names.stateMachine, async () => {
    const arn = await findStateMachineArn(clients, names.stateMachine);
    if (!arn) return 'absent';
    const { roleArn } = await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    ownRole = roleArn?.endsWith(`:role/${names.sagaRole}`) ?? false;
    if (!(await carriesStackTag(clients, 'state machine', arn, stack))) return 'left';
    await clients.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    return 'deleted';
  });
  for (const task of sagaTasks) {
    await remove('activity', names.activities[task], async () => {
      const arn = await findActivityArn(clients, names.activities[task]);
      if (!arn) return 'absent';
      if (!(await carriesStackTag(clients, 'activity', arn, stack))) return 'left';
      await clients.sfn.send(new DeleteActivityCommand({ activityArn: arn }));
      return 'deleted';
    });
  }
  for (const spec of tableSpecs(names)) {
    const TableName = spec.input.TableName!;
    await remove('table', TableName, async () => {
      if (!(await tableExists(clients, TableName))) return 'absent';
      if (!(await carriesStackTag(clients, 'table', TableName, stack))) return 'left';
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
      if (!(await carriesStackTag(clients, 'topic', bookingsTopic, stack)) || !(await carriesStackTag(clients, 'queue', url, stack))) return 'left';
      await clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: subscription.SubscriptionArn }));
      return 'deleted';
    });
  }
  for (const topic of [names.bookingsTopic, names.notificationsTopic]) {
    await remove('topic', topic, async () => {
      const arn = await findTopicArn(clients, topic);
      if (!arn) return 'absent';
      if (!(await carriesStackTag(clients, 'topic', arn, stack))) return 'left';
      await clients.sns.send(new DeleteTopicCommand({ TopicArn: arn }));
      return 'deleted';
    });
  }
  for (const queue of [names.manualReviewQueue, ...names.streamQueues.toReversed().flatMap((stream) => [stream.name, stream.dlq])]) {
    await remove('queue', queue, async () => {
      const url = await findQueueUrl(clients, queue);
      if (!url) return 'absent';
      if (!(await carriesStackTag(clients, 'queue', url, stack))) return 'left';
      await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      return 'deleted';
    });
  }
  // Last, and only when the saga ran as it (or no state machine tells): a stack whose saga runs as a role given makes no IAM call, so an endpoint without IAM, or a policy without its statement, still destroys it.
  if (ownRole) await remove('role', names.sagaRole, () => deleteSagaRole(clients, stack, names.sagaRole));
  return outcomes;
}
