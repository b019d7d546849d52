import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteActivityCommand, DeleteStateMachineCommand } from '@aws-sdk/client-sfn';
import { DeleteTopicCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { awsFailure } from '../aws/errors.js';
import type { DeployContext } from './deploy.js';
import { findActivityArn, findBookingsTopic, findQueueUrl, findStateMachineArn, findSubscription, findTopicArn, tableExists } from './lookup.js';
import type { ResourceKind, ResourceOutcome } from './outcome.js';
import { sagaTasks } from './saga.js';
import { stackNames, tableSpecs } from './stack.js';

/**
 * Deletes every resource of the stack, found by its stack-prefixed name, and nothing
 * else; a resource already gone is reported `absent`. The reverse of deploy's order,
 * so nothing is left pointing at what was removed.
 */
export async function destroyStack(stack: string, context: DeployContext): Promise<ResourceOutcome[]> {
  const { clients } = context;
  const bookings = await findBookingsTopic(clients, stack).catch((error: unknown) => {
    throw awsFailure(error, `find the bookings topic of stack ${stack}`, context.endpoint);
  });
  const names = stackNames(stack, bookings?.topology);
  const outcomes: ResourceOutcome[] = [];
  const remove = async (kind: ResourceKind, name: string, action: () => Promise<boolean>) => {
    try {
      const result: ResourceOutcome = { kind, name, outcome: (await action()) ? 'deleted' : 'absent' };
      outcomes.push(result);
      context.onProgress?.(result);
    } catch (error) {
      throw awsFailure(error, `delete ${kind} ${name}`, context.endpoint);
    }
  };

  await remove('state machine', names.stateMachine, async () => {
    const arn = await findStateMachineArn(clients, names.stateMachine);
    if (arn) await clients.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    return arn !== undefined;
  });
  for (const task of sagaTasks) {
    await remove('activity', names.activities[task], async () => {
      const arn = await findActivityArn(clients, names.activities[task]);
      if (arn) await clients.sfn.send(new DeleteActivityCommand({ activityArn: arn }));
      return arn !== undefined;
    });
  }
  for (const spec of tableSpecs(names)) {
    const TableName = spec.input.TableName!;
    await remove('table', TableName, async () => {
      const exists = await tableExists(clients, TableName);
      if (exists) await clients.dynamodb.send(new DeleteTableCommand({ TableName }));
      return exists;
    });
  }
  const bookingsTopic = bookings?.arn;
  for (const { name: queue } of names.streamQueues) {
    await remove('subscription', `${names.bookingsTopic} → ${queue}`, async () => {
      const url = await findQueueUrl(clients, queue);
      if (!bookingsTopic || !url) return false;
      const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
      const subscription = await findSubscription(clients, bookingsTopic, Attributes?.QueueArn ?? '');
      if (subscription?.SubscriptionArn) await clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: subscription.SubscriptionArn }));
      return subscription !== undefined;
    });
  }
  for (const topic of [names.bookingsTopic, names.notificationsTopic]) {
    await remove('topic', topic, async () => {
      const arn = await findTopicArn(clients, topic);
      if (arn) await clients.sns.send(new DeleteTopicCommand({ TopicArn: arn }));
      return arn !== undefined;
    });
  }
  for (const queue of [names.manualReviewQueue, ...names.streamQueues.toReversed().flatMap((stream) => [stream.name, stream.dlq])]) {
    await remove('queue', queue, async () => {
      const url = await findQueueUrl(clients, queue);
      if (url) await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      return url !== undefined;
    });
  }
  return outcomes;
}
