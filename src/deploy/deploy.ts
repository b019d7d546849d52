import { CreateTableCommand, DescribeTimeToLiveCommand, UpdateTimeToLiveCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateActivityCommand, CreateStateMachineCommand, DescribeStateMachineCommand, UpdateStateMachineCommand } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand, SetSubscriptionAttributesCommand, SetTopicAttributesCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import aslValidator from 'asl-validator';
import type { AwsClients } from '../aws/clients.js';
import { awsFailure } from '../aws/errors.js';
import { BooksimError, ExitCode } from '../errors.js';
import { findActivityArn, findQueueUrl, findStateMachineArn, findSubscription, findTopicArn, tableExists } from './lookup.js';
import type { Ensured, Outcome, ProgressListener, ResourceKind, ResourceOutcome } from './outcome.js';
import { ensureSagaRole, roleFailure, whileRolePropagates, type SagaRole } from './saga-role.js';
import { tagForStack, taggedDetail, untaggedOfStack, type TaggedKind } from './tags.js';
import { sagaDefinition, sagaTasks, type SagaResources, type SagaTask } from './saga.js';
import {
  bookingsTopicAttributes,
  bookingsTopicThroughput,
  deadLetterQueueAttributes,
  fedQueueAttributes,
  stackNames,
  stackTagKey,
  tableSpecs,
  throughputDefaults,
  type StackNames,
  type StackOptions,
  type TableSpec,
} from './stack.js';
import type { Sabotage } from '../model/sabotage.js';
import { type Topology } from '../model/topology.js';

/** Where a deploy talks to and how it reports. */
export interface DeployContext {
  clients: AwsClients;
  /** The endpoint as the user named it, for error messages. */
  endpoint: string;
  region: string;
  onProgress?: ProgressListener;
}

/** What `booksim deploy --dry-run` shows: every resource, and the saga definition. */
export interface DeployPlan {
  stack: string;
  profile: string;
  topology: Topology;
  /** The sabotages baked into the definition; none: the correct saga. */
  sabotage: Sabotage[];
  /** FIFO queues and topic in high-throughput mode. */
  highThroughput: boolean;
  resources: Array<{ kind: ResourceKind; name: string }>;
  definition: object;
}

/** The resources of a stack in the order deploy creates them, and the definition it will deploy. */
export function planDeploy(options: StackOptions, region: string): DeployPlan {
  const names = stackNames(options.stack, options.topology);
  const resources: DeployPlan['resources'] = [
    { kind: 'topic', name: names.bookingsTopic },
    { kind: 'topic', name: names.notificationsTopic },
    ...names.streamQueues.flatMap((queue) => [queue.dlq, queue.name]).map((name) => ({ kind: 'queue' as const, name })),
    { kind: 'queue', name: names.manualReviewQueue },
    ...(options.roleArn ? [] : [{ kind: 'role' as const, name: names.sagaRole }]),
    ...names.streamQueues.map((queue) => ({ kind: 'subscription' as const, name: `${names.bookingsTopic} → ${queue.name}` })),
    ...tableSpecs(names).map((spec) => ({ kind: 'table' as const, name: spec.input.TableName! })),
    ...sagaTasks.map((task) => ({ kind: 'activity' as const, name: names.activities[task] })),
    { kind: 'state machine', name: names.stateMachine },
  ];
  // Placeholder ARNs: real ones exist only once the activities do; the shape is what is validated.
  const placeholder = (name: string) => `arn:aws:states:${region}:000000000000:activity:${name}`;
  const definition = sagaDefinition(options.profile, {
    activityArns: Object.fromEntries(sagaTasks.map((task) => [task, placeholder(names.activities[task])])) as Record<SagaTask, string>,
    manualReviewQueueUrl: `https://sqs.${region}.amazonaws.com/000000000000/${names.manualReviewQueue}`,
  }, options.sabotage);
  validateDefinition(definition);
  return { stack: options.stack, profile: options.profile, topology: options.topology ?? 'fifo-fanout', sabotage: options.sabotage ?? [], highThroughput: options.highThroughput ?? false, resources, definition };
}

/** Refuses a saga definition that asl-validator rejects, before any AWS call is made. */
function validateDefinition(definition: object): void {
  const { isValid, errorsText } = aslValidator(definition, { checkArn: true, checkPaths: true });
  if (!isValid) throw new BooksimError(`the generated saga definition is invalid: ${errorsText('; ')}`, ExitCode.environment);
}

/**
 * Creates the stack, or brings an existing one in line with `options`: idempotent, so a
 * second run reports every resource unchanged, and a changed profile updates the state
 * machine in place. Reports each resource through onProgress as it is done.
 */
export async function deployStack(options: StackOptions, context: DeployContext): Promise<ResourceOutcome[]> {
  planDeploy(options, context.region);
  const names = stackNames(options.stack, options.topology);
  const outcomes: ResourceOutcome[] = [];
  const step = async <T>(kind: ResourceKind, name: string, action: () => Promise<{ outcome: Outcome; detail?: string; value: T }>): Promise<T> => {
    try {
      const { outcome, detail, value } = await action();
      const result: ResourceOutcome = { kind, name, outcome, ...(detail ? { detail } : {}) };
      outcomes.push(result);
      context.onProgress?.(result);
      return value;
    } catch (error) {
      throw awsFailure(error, `deploy ${kind} ${name}`, context.endpoint);
    }
  };
  const { clients } = context;

  const topology = options.topology ?? 'fifo-fanout';
  const highThroughput = options.highThroughput ?? false;
  const bookingsTopic = await step('topic', names.bookingsTopic, () =>
    ensureTopic(clients, options.stack, names.bookingsTopic, bookingsTopicAttributes(topology), bookingsTopicThroughput(topology, highThroughput)),
  );
  await step('topic', names.notificationsTopic, () => ensureTopic(clients, options.stack, names.notificationsTopic, {}, {}));
  const streamQueues: QueueRef[] = [];
  for (const queue of names.streamQueues) {
    const dlq = await step('queue', queue.dlq, () => ensureQueue(clients, options.stack, queue.dlq, () => deadLetterQueueAttributes(queue.dlq)));
    const fed = (queueArn: string) => fedQueueAttributes(queueArn, bookingsTopic, dlq.arn, options.maxReceiveCount, queue.visibilityTimeoutSeconds, highThroughput);
    streamQueues.push(await step('queue', queue.name, () => ensureQueue(clients, options.stack, queue.name, fed)));
  }
  const manualReview = await step('queue', names.manualReviewQueue, () => ensureQueue(clients, options.stack, names.manualReviewQueue, () => ({ MessageRetentionPeriod: '1209600' })));
  // Made early, so that IAM has had the tables and activities' time to spread the new role before the state machine needs it.
  const ensureRole = () =>
    ensureSagaRole(clients, options.stack, names, manualReview.arn).catch((error: unknown) => {
      throw roleFailure(error, names.sagaRole, context.endpoint);
    });
  const role: SagaRole = options.roleArn ? { arn: options.roleArn, justCreated: false } : await step('role', names.sagaRole, ensureRole);
  for (const queue of streamQueues) {
    await step('subscription', `${names.bookingsTopic} → ${queue.name}`, () => ensureRawSubscription(clients, bookingsTopic, queue.arn));
  }
  for (const spec of tableSpecs(names)) {
    await step('table', spec.input.TableName!, () => ensureTable(clients, options.stack, spec));
  }
  const activityArns = {} as Record<SagaTask, string>;
  for (const task of sagaTasks) {
    activityArns[task] = await step('activity', names.activities[task], () => ensureActivity(clients, options.stack, names.activities[task]));
  }
  await step('state machine', names.stateMachine, () =>
    ensureStateMachine(clients, names, options, role, { activityArns, manualReviewQueueUrl: manualReview.url }),
  );
  return outcomes;
}

/**
 * Creates the topic with its `fixed` attributes (FIFO or not: a topic cannot change them),
 * or checks an existing one has them; then sets whatever `settable` attribute differs.
 */
async function ensureTopic(clients: AwsClients, stack: string, name: string, fixed: Record<string, string>, settable: Record<string, string>): Ensured<string> {
  const existing = await findTopicArn(clients, name);
  const current = (attributes: Record<string, string | undefined>, key: string) => attributes[key] ?? throughputDefaults[key];
  if (!existing) {
    // Settings left at AWS's default are not sent: an endpoint that does not know an attribute still creates the topic.
    const Attributes = { ...fixed, ...Object.fromEntries(Object.entries(settable).filter(([key, value]) => current({}, key) !== value)) };
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: name, Attributes, Tags: [{ Key: stackTagKey, Value: stack }] }));
    return { outcome: 'created', value: TopicArn! };
  }
  const claim = await claimFor(clients, 'topic', name, existing, stack);
  const { Attributes = {} } = await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: existing }));
  const differing = Object.keys(fixed).filter((key) => (Attributes[key] ?? 'false') !== fixed[key]);
  if (differing.length > 0) {
    throw new BooksimError(`topic ${name} exists with other settings (${differing.join(', ')})`, ExitCode.environment, ['Run `booksim destroy` for this stack first.']);
  }
  const changes = Object.entries(settable).filter(([key, value]) => current(Attributes, key) !== value);
  for (const [AttributeName, AttributeValue] of changes) {
    await clients.sns.send(new SetTopicAttributesCommand({ TopicArn: existing, AttributeName, AttributeValue }));
  }
  return existingOutcome(existing, [...changes.map(([key, value]) => `${key}=${value}`), ...(await claim())]);
}

/** What deploy says of a resource that existed: updated with what it changed, or unchanged. */
function existingOutcome<T>(value: T, changes: string[]): Awaited<Ensured<T>> {
  return changes.length > 0 ? { outcome: 'updated', detail: changes.join(', '), value } : { outcome: 'unchanged', value };
}

/**
 * Checks, before deploy changes an existing resource, that it is the stack's or untagged
 * (untaggedOfStack); answers what tags an untagged one once deploy has brought it in line,
 * with the change to report.
 */
async function claimFor(clients: AwsClients, kind: TaggedKind, name: string, id: string, stack: string): Promise<() => Promise<string[]>> {
  const untagged = await untaggedOfStack(clients, kind, name, id, stack);
  return async () => {
    if (!untagged) return [];
    await tagForStack(clients, kind, id, stack);
    return [taggedDetail(stack)];
  };
}

interface QueueRef {
  name: string;
  url: string;
  arn: string;
}

/** Creates the queue if needed, then sets whatever attribute differs from what the stack wants. */
async function ensureQueue(clients: AwsClients, stack: string, name: string, desired: (queueArn: string) => Record<string, string>): Ensured<QueueRef> {
  let url = await findQueueUrl(clients, name);
  const created = url === undefined;
  if (url === undefined) {
    // The queue's own ARN (for its policy) exists only once the queue does: create, then set the rest.
    const creation = { ...(name.endsWith('.fifo') ? { FifoQueue: 'true' } : {}) };
    url = (await clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: creation, tags: { [stackTagKey]: stack } }))).QueueUrl!;
  }
  const claim = created ? async () => [] : await claimFor(clients, 'queue', name, url, stack);
  const response = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  const Attributes: Record<string, string | undefined> = response.Attributes ?? {};
  const arn = Attributes.QueueArn!;
  const wanted = desired(arn);
  const changes = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => key !== 'FifoQueue' && !sameAttribute(Attributes[key] ?? throughputDefaults[key], value)));
  if (Object.keys(changes).length > 0) await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: changes }));
  const value = { name, url, arn };
  if (created) return { outcome: 'created', value };
  return existingOutcome(value, [...Object.keys(changes), ...(await claim())]);
}

/** Compares queue attribute values; JSON ones (Policy, RedrivePolicy) by content, since endpoints reformat them. */
function sameAttribute(actual: string | undefined, wanted: string): boolean {
  if (actual === wanted) return true;
  if (actual === undefined || !wanted.startsWith('{')) return false;
  try {
    return canonicalJson(JSON.parse(actual)) === canonicalJson(JSON.parse(wanted));
  } catch {
    return false;
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  // maxReceiveCount comes back as "5" from some endpoints and 5 from others.
  return typeof value === 'string' && /^\d+$/.test(value) ? value : JSON.stringify(value);
}

async function ensureRawSubscription(clients: AwsClients, topicArn: string, queueArn: string): Ensured<string> {
  const existing = await findSubscription(clients, topicArn, queueArn);
  if (!existing?.SubscriptionArn) {
    const { SubscriptionArn } = await clients.sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' }, ReturnSubscriptionArn: true }),
    );
    return { outcome: 'created', value: SubscriptionArn! };
  }
  const { Attributes = {} } = await clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: existing.SubscriptionArn }));
  if (Attributes.RawMessageDelivery === 'true') return { outcome: 'unchanged', value: existing.SubscriptionArn };
  await clients.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: existing.SubscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' }));
  return { outcome: 'updated', detail: 'RawMessageDelivery', value: existing.SubscriptionArn };
}

async function ensureTable(clients: AwsClients, stack: string, spec: TableSpec): Ensured<string> {
  const TableName = spec.input.TableName!;
  const created = !(await tableExists(clients, TableName));
  if (created) await clients.dynamodb.send(new CreateTableCommand({ ...spec.input, Tags: [{ Key: stackTagKey, Value: stack }] }));
  const claim = created ? async () => [] : await claimFor(clients, 'table', TableName, TableName, stack);
  await waitUntilTableExists({ client: clients.dynamodb, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName });
  const changes: string[] = [];
  if (spec.ttlAttribute) {
    const { TimeToLiveDescription } = await clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName }));
    const enabled = TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED' || TimeToLiveDescription?.TimeToLiveStatus === 'ENABLING';
    if (!enabled || TimeToLiveDescription?.AttributeName !== spec.ttlAttribute) {
      await clients.dynamodb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: spec.ttlAttribute } }));
      changes.push(`TTL on ${spec.ttlAttribute}`);
    }
  }
  if (created) return { outcome: 'created', value: TableName };
  return existingOutcome(TableName, [...changes, ...(await claim())]);
}

async function ensureActivity(clients: AwsClients, stack: string, name: string): Ensured<string> {
  const existing = await findActivityArn(clients, name);
  if (existing) return existingOutcome(existing, await (await claimFor(clients, 'activity', name, existing, stack))());
  const { activityArn } = await clients.sfn.send(new CreateActivityCommand({ name, tags: [{ key: stackTagKey, value: stack }] }));
  return { outcome: 'created', value: activityArn! };
}

async function ensureStateMachine(clients: AwsClients, names: StackNames, options: StackOptions, role: SagaRole, resources: SagaResources): Ensured<string> {
  const definition = sagaDefinition(options.profile, resources, options.sabotage);
  validateDefinition(definition);
  const text = JSON.stringify(definition);
  // Step Functions checks it can assume the role: one IAM has just created may not be assumable yet.
  const assuming = <T>(call: () => Promise<T>) => (role.justCreated ? whileRolePropagates(call) : call());
  const existing = await findStateMachineArn(clients, names.stateMachine);
  if (!existing) {
    const { stateMachineArn } = await assuming(() =>
      clients.sfn.send(new CreateStateMachineCommand({ name: names.stateMachine, definition: text, roleArn: role.arn, tags: [{ key: stackTagKey, value: options.stack }] })),
    );
    return { outcome: 'created', value: stateMachineArn! };
  }
  const claim = await claimFor(clients, 'state machine', names.stateMachine, existing, options.stack);
  const current = await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: existing }));
  const sameDefinition = current.definition !== undefined && canonicalJson(JSON.parse(current.definition)) === canonicalJson(definition);
  const sameRole = current.roleArn === role.arn;
  const changes: string[] = [];
  if (!sameDefinition || !sameRole) {
    await assuming(() => clients.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: existing, ...(sameDefinition ? {} : { definition: text }), ...(sameRole ? {} : { roleArn: role.arn }) })));
    const sabotage = options.sabotage?.length ? `, sabotage ${options.sabotage.join(', ')}` : '';
    if (!sameDefinition) changes.push(`definition (profile ${options.profile}${sabotage})`);
    if (!sameRole) changes.push(`role ${role.arn}`);
  }
  return existingOutcome(existing, [...changes, ...(await claim())]);
}
