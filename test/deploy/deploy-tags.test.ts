import { DescribeTableCommand, ListTagsOfResourceCommand, TagResourceCommand } from '@aws-sdk/client-dynamodb';
import { ListTagsForResourceCommand as ListSfnTagsCommand, UntagResourceCommand as UntagSfnCommand } from '@aws-sdk/client-sfn';
import { ListTagsForResourceCommand as ListSnsTagsCommand } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, ListQueueTagsCommand, UntagQueueCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { deployStack, type DeployContext } from '../../src/deploy/deploy.js';
import { destroyStack } from '../../src/deploy/destroy.js';
import { findActivityArn, findStateMachineArn, findTopicArn } from '../../src/deploy/lookup.js';
import { sagaTasks } from '../../src/deploy/saga.js';
import { stackNames, stackTagKey, tableSpecs } from '../../src/deploy/stack.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

describe('the booksim:stack tag', () => {
  const fx = useEndpoint();
  const context = (): DeployContext => ({ clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });

  it('is on every resource deploy creates, read back through each service’s own tag call', async () => {
    const stack = uniqueName('tags');
    const names = stackNames(stack);
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 4, roleArn: 'arn:aws:iam::000000000000:role/test' }, context());
    const { sqs, sns, dynamodb, sfn } = fx.clients;
    const tagged: Record<string, string | undefined> = {};
    for (const queue of [names.manualReviewQueue, ...names.streamQueues.flatMap((stream) => [stream.name, stream.dlq])]) {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
      tagged[queue] = (await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags?.[stackTagKey];
    }
    for (const topic of [names.bookingsTopic, names.notificationsTopic]) {
      const { Tags } = await sns.send(new ListSnsTagsCommand({ ResourceArn: await findTopicArn(fx.clients, topic) }));
      tagged[topic] = Tags?.find((tag) => tag.Key === stackTagKey)?.Value;
    }
    for (const spec of tableSpecs(names)) {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: spec.input.TableName }));
      const { Tags } = await dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: Table!.TableArn }));
      tagged[spec.input.TableName!] = Tags?.find((tag) => tag.Key === stackTagKey)?.Value;
    }
    for (const task of sagaTasks) {
      const { tags } = await sfn.send(new ListSfnTagsCommand({ resourceArn: await findActivityArn(fx.clients, names.activities[task]) }));
      tagged[names.activities[task]] = tags?.find((tag) => tag.key === stackTagKey)?.value;
    }
    const { tags } = await sfn.send(new ListSfnTagsCommand({ resourceArn: await findStateMachineArn(fx.clients, names.stateMachine) }));
    tagged[names.stateMachine] = tags?.find((tag) => tag.key === stackTagKey)?.value;

    expect(Object.keys(tagged)).toHaveLength(names.streamQueues.length * 2 + 1 + 2 + tableSpecs(names).length + sagaTasks.length + 1);
    for (const [name, value] of Object.entries(tagged)) expect({ name, value }).toEqual({ name, value: stack });
  });
});

describe('destroy by the booksim:stack tag', () => {
  const fx = useEndpoint();
  const context = (): DeployContext => ({ clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });

  it('deletes what carries the stack’s tag and leaves, reported, what of the stack’s name does not', async () => {
    const stack = uniqueName('untagged');
    const names = stackNames(stack);
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 4, roleArn: 'arn:aws:iam::000000000000:role/test' }, context());
    const { sqs, dynamodb, sfn } = fx.clients;
    // Someone else's resources that happen to carry the stack's names: no tag, or another stack's.
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.manualReviewQueue }));
    await sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: [stackTagKey] }));
    const table = tableSpecs(names)[0]!.input.TableName!;
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
    await dynamodb.send(new TagResourceCommand({ ResourceArn: Table!.TableArn, Tags: [{ Key: stackTagKey, Value: 'someone-else' }] }));
    const activity = names.activities[sagaTasks[0]];
    await sfn.send(new UntagSfnCommand({ resourceArn: await findActivityArn(fx.clients, activity), tagKeys: [stackTagKey] }));

    const outcomes = await destroyStack(stack, context());
    const left = outcomes.filter((outcome) => outcome.outcome === 'left');
    expect(left.map(({ kind, name }) => `${kind} ${name}`).sort()).toEqual([`activity ${activity}`, `queue ${names.manualReviewQueue}`, `table ${table}`].sort());
    for (const outcome of left) expect(outcome.detail).toBe(`no booksim:stack=${stack} tag: not booksim's to delete`);
    expect(outcomes.filter((outcome) => outcome.outcome !== 'left').every((outcome) => outcome.outcome === 'deleted')).toBe(true);
    // What was left is still there; destroying again deletes nothing more and leaves the same.
    expect(await findActivityArn(fx.clients, activity)).toBeDefined();
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: names.manualReviewQueue }))).resolves.toMatchObject({ QueueUrl });
    const again = await destroyStack(stack, context());
    expect(again.filter((outcome) => outcome.outcome === 'left')).toHaveLength(3);
    expect(again.some((outcome) => outcome.outcome === 'deleted')).toBe(false);
  });
});
