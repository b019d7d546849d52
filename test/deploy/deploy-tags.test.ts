import { DescribeTableCommand, ListTagsOfResourceCommand, TagResourceCommand, UntagResourceCommand as UntagTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, ListRoleTagsCommand, NoSuchEntityException, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { DescribeStateMachineCommand, ListTagsForResourceCommand as ListSfnTagsCommand, UntagResourceCommand as UntagSfnCommand } from '@aws-sdk/client-sfn';
import { ListTagsForResourceCommand as ListSnsTagsCommand, UntagResourceCommand as UntagTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand, TagQueueCommand, UntagQueueCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { deployStack, type DeployContext } from '../../src/deploy/deploy.js';
import { destroyStack } from '../../src/deploy/destroy.js';
import { stackStatus } from '../../src/deploy/status.js';
import { findActivityArn, findStateMachineArn, findTopicArn } from '../../src/deploy/lookup.js';
import { sagaTasks } from '../../src/deploy/saga.js';
import { deleteSagaRole, sagaTrustPolicy } from '../../src/deploy/saga-role.js';
import { stackNames, stackTagKey, tableSpecs } from '../../src/deploy/stack.js';
import { BooksimError } from '../../src/errors.js';
import { createClients } from '../../src/aws/clients.js';
import { closedEndpoint, useEndpoint, uniqueName } from '../helpers/endpoint.js';

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
    // The role was given (--role-arn): destroy does not look for one of the stack's own.
    expect(outcomes.filter((outcome) => outcome.outcome !== 'left' && outcome.outcome !== 'deleted')).toEqual([]);
    // What was left is still there; destroying again deletes nothing more and leaves the same.
    expect(await findActivityArn(fx.clients, activity)).toBeDefined();
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: names.manualReviewQueue }))).resolves.toMatchObject({ QueueUrl });
    const again = await destroyStack(stack, context());
    expect(again.filter((outcome) => outcome.outcome === 'left')).toHaveLength(3);
    expect(again.some((outcome) => outcome.outcome === 'deleted')).toBe(false);
  });
});

describe('the saga role deploy creates when given none', () => {
  const fx = useEndpoint();
  const context = (): DeployContext => ({ clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });

  it('is made trusting Step Functions, tagged, allowed to send to the manual-review queue, given to the state machine, and deleted by destroy', async () => {
    const stack = uniqueName('role');
    const names = stackNames(stack);
    const first = await deployStack({ stack, profile: 'fast', maxReceiveCount: 4 }, context());
    expect(first.find((outcome) => outcome.kind === 'role')).toEqual({ kind: 'role', name: names.sagaRole, outcome: 'created' });
    const { iam, sfn, sqs } = fx.clients;
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: names.sagaRole }));
    expect(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!))).toEqual(sagaTrustPolicy);
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: names.sagaRole }))).Tags).toEqual([{ Key: stackTagKey, Value: stack }]);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.manualReviewQueue }));
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: names.sagaRole, PolicyName: names.sagaRole }));
    expect(JSON.parse(decodeURIComponent(PolicyDocument!)).Statement[0]).toMatchObject({ Action: 'sqs:SendMessage', Resource: expect.stringMatching(new RegExp(`:${names.manualReviewQueue}$`)) });
    expect(QueueUrl).toBeDefined();
    const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: await findStateMachineArn(fx.clients, names.stateMachine) }));
    expect(machine.roleArn).toBe(Role!.Arn);
    expect((await stackStatus(stack, context())).sagaRole).toBe(Role!.Arn);

    const again = await deployStack({ stack, profile: 'fast', maxReceiveCount: 4 }, context());
    expect(again.filter((outcome) => outcome.outcome !== 'unchanged')).toEqual([]);

    const removed = await destroyStack(stack, context());
    expect(removed.find((outcome) => outcome.kind === 'role')).toEqual({ kind: 'role', name: names.sagaRole, outcome: 'deleted' });
    await expect(iam.send(new GetRoleCommand({ RoleName: names.sagaRole }))).rejects.toBeInstanceOf(NoSuchEntityException);
  });

  it('is not made with --role-arn: the state machine runs as the role given, and destroy leaves that role alone', async () => {
    const stack = uniqueName('given');
    const names = stackNames(stack);
    const { Role } = await fx.clients.iam.send(new CreateRoleCommand({ RoleName: `${stack}-own`, AssumeRolePolicyDocument: JSON.stringify(sagaTrustPolicy) }));
    const outcomes = await deployStack({ stack, profile: 'fast', maxReceiveCount: 4, roleArn: Role!.Arn! }, context());
    expect(outcomes.some((outcome) => outcome.kind === 'role')).toBe(false);
    const machine = await fx.clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: await findStateMachineArn(fx.clients, names.stateMachine) }));
    expect(machine.roleArn).toBe(Role!.Arn);
    expect((await destroyStack(stack, context())).find((outcome) => outcome.kind === 'role')).toBeUndefined();
    await expect(fx.clients.iam.send(new GetRoleCommand({ RoleName: `${stack}-own` }))).resolves.toBeDefined();
  });

  it('puts its policy back when it was changed, and says so', async () => {
    const stack = uniqueName('drift');
    const names = stackNames(stack);
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 4 }, context());
    const { iam } = fx.clients;
    const wider = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] });
    await iam.send(new PutRolePolicyCommand({ RoleName: names.sagaRole, PolicyName: names.sagaRole, PolicyDocument: wider }));
    const outcomes = await deployStack({ stack, profile: 'fast', maxReceiveCount: 4 }, context());
    expect(outcomes.find((outcome) => outcome.kind === 'role')).toEqual({ kind: 'role', name: names.sagaRole, outcome: 'updated', detail: `policy ${names.sagaRole}` });
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: names.sagaRole, PolicyName: names.sagaRole }));
    expect(JSON.parse(decodeURIComponent(PolicyDocument!)).Statement[0].Action).toBe('sqs:SendMessage');
  });

  it('refuses a role of its name that it did not make (untagged, or another stack’s), and destroy would leave such a role', async () => {
    for (const tags of [[], [{ Key: stackTagKey, Value: 'someone-else' }]]) {
      const stack = uniqueName('not-ours');
      const names = stackNames(stack);
      await fx.clients.iam.send(new CreateRoleCommand({ RoleName: names.sagaRole, AssumeRolePolicyDocument: JSON.stringify(sagaTrustPolicy), Tags: tags }));
      const refused = deployStack({ stack, profile: 'fast', maxReceiveCount: 4 }, context());
      await expect(refused).rejects.toBeInstanceOf(BooksimError);
      await expect(refused).rejects.toThrow(`role ${names.sagaRole} exists with`);
      await expect(refused).rejects.toThrow('deploy makes this role itself and will not take over one it did not make');
      expect(await deleteSagaRole(fx.clients, stack, names.sagaRole)).toBe('left');
      await expect(fx.clients.iam.send(new GetRoleCommand({ RoleName: names.sagaRole }))).resolves.toBeDefined();
    }
  });

  it('is not looked at by destroy when the saga runs as a role given: a stack deployed with --role-arn goes whole with IAM unreachable', async () => {
    const stack = uniqueName('no-iam');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 4, roleArn: 'arn:aws:iam::000000000000:role/theirs' }, context());
    const url = fx.endpoint.url;
    const withoutIam = createClients({ endpoint: { sqs: url, sns: url, dynamodb: url, sfn: url, iam: await closedEndpoint() } });
    try {
      const removed = await destroyStack(stack, { clients: withoutIam, endpoint: url, region: 'us-east-1' });
      expect(removed.filter((outcome) => outcome.outcome !== 'deleted')).toEqual([]);
      expect(removed.some((outcome) => outcome.kind === 'role')).toBe(false);
    } finally {
      withoutIam.destroy();
    }
  });

  it('moves a stack deployed with a role given onto its own role when deployed again without one', async () => {
    const stack = uniqueName('switch');
    const names = stackNames(stack);
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 4, roleArn: 'arn:aws:iam::000000000000:role/test' }, context());
    const outcomes = await deployStack({ stack, profile: 'fast', maxReceiveCount: 4 }, context());
    const { Role } = await fx.clients.iam.send(new GetRoleCommand({ RoleName: names.sagaRole }));
    expect(outcomes.find((outcome) => outcome.kind === 'state machine')).toEqual({ kind: 'state machine', name: names.stateMachine, outcome: 'updated', detail: `role ${Role!.Arn}` });
  });
});

describe('deploy over a stack deployed before the tags', () => {
  const fx = useEndpoint();
  const context = (): DeployContext => ({ clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });

  it('tags what it finds untagged, says so, and destroy then deletes it all', async () => {
    const stack = uniqueName('older');
    const names = stackNames(stack);
    const options = { stack, profile: 'fast' as const, maxReceiveCount: 4 };
    await deployStack(options, context());
    const { sqs, sns, dynamodb, sfn } = fx.clients;
    // What an older booksim left: no tags on a queue, a topic, a table, an activity and the state machine.
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.manualReviewQueue }));
    await sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: [stackTagKey] }));
    await sns.send(new UntagTopicCommand({ ResourceArn: await findTopicArn(fx.clients, names.notificationsTopic), TagKeys: [stackTagKey] }));
    const table = tableSpecs(names)[1]!.input.TableName!;
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
    await dynamodb.send(new UntagTableCommand({ ResourceArn: Table!.TableArn, TagKeys: [stackTagKey] }));
    const activity = names.activities[sagaTasks[1]];
    await sfn.send(new UntagSfnCommand({ resourceArn: await findActivityArn(fx.clients, activity), tagKeys: [stackTagKey] }));
    await sfn.send(new UntagSfnCommand({ resourceArn: await findStateMachineArn(fx.clients, names.stateMachine), tagKeys: [stackTagKey] }));

    const outcomes = await deployStack(options, context());
    const updated = outcomes.filter((outcome) => outcome.outcome !== 'unchanged');
    expect(updated.map(({ kind, name, outcome, detail }) => `${kind} ${name} ${outcome} ${detail}`).sort()).toEqual(
      [`queue ${names.manualReviewQueue}`, `topic ${names.notificationsTopic}`, `table ${table}`, `activity ${activity}`, `state machine ${names.stateMachine}`]
        .map((line) => `${line} updated tagged ${stackTagKey}=${stack}`)
        .sort(),
    );
    const removed = await destroyStack(stack, context());
    expect(removed.filter((outcome) => outcome.outcome !== 'deleted')).toEqual([]);
  });

  it('refuses a queue of the stack’s name tagged for another stack before changing anything of it', async () => {
    const stack = uniqueName('taken-queue');
    const names = stackNames(stack);
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 4 }, context());
    const queue = names.streamQueues[0]!.name;
    const { QueueUrl } = await fx.clients.sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
    await fx.clients.sqs.send(new TagQueueCommand({ QueueUrl, Tags: { [stackTagKey]: 'someone-else' } }));
    const redrive = async () => (await fx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }))).Attributes?.RedrivePolicy;
    const before = await redrive();
    // A deploy that would change the queue (another max receive count) is refused with it unchanged.
    await expect(deployStack({ stack, profile: 'fast', maxReceiveCount: 9 }, context())).rejects.toThrow(`queue ${queue} carries ${stackTagKey}=someone-else`);
    expect(await redrive()).toBe(before);
  });

  it('refuses a resource of the stack’s name tagged for another stack, before touching it', async () => {
    const stack = uniqueName('taken');
    const names = stackNames(stack);
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 4 }, context());
    const table = tableSpecs(names)[0]!.input.TableName!;
    const { Table } = await fx.clients.dynamodb.send(new DescribeTableCommand({ TableName: table }));
    await fx.clients.dynamodb.send(new TagResourceCommand({ ResourceArn: Table!.TableArn, Tags: [{ Key: stackTagKey, Value: 'someone-else' }] }));
    const refused = deployStack({ stack, profile: 'fast', maxReceiveCount: 4 }, context());
    await expect(refused).rejects.toBeInstanceOf(BooksimError);
    await expect(refused).rejects.toThrow(`table ${table} carries ${stackTagKey}=someone-else: it belongs to another stack`);
  });
});
