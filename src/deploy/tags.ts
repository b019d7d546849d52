import { DescribeTableCommand, ListTagsOfResourceCommand, TagResourceCommand as TagTableCommand } from '@aws-sdk/client-dynamodb';
import { ListRoleTagsCommand, TagRoleCommand } from '@aws-sdk/client-iam';
import { ListTagsForResourceCommand as ListSfnTagsCommand, TagResourceCommand as TagSfnCommand } from '@aws-sdk/client-sfn';
import { ListTagsForResourceCommand as ListSnsTagsCommand, TagResourceCommand as TagTopicCommand } from '@aws-sdk/client-sns';
import { ListQueueTagsCommand, TagQueueCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clients.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { ResourceKind } from './outcome.js';
import { stackTagKey } from './stack.js';

/**
 * The `booksim:stack` tag on each kind of resource, through the service's own tag calls:
 * what destroy deletes by, and what deploy puts on what it creates or takes over.
 */

/** The kinds of resource that carry tags (SNS cannot tag a subscription). */
export type TaggedKind = Exclude<ResourceKind, 'subscription'>;

/** How a resource is named to its tag calls: a queue by URL, a table or role by name, the rest by ARN. */
type TagCalls = {
  read(clients: AwsClients, id: string): Promise<Array<[string | undefined, string | undefined]>>;
  write(clients: AwsClients, id: string, stack: string): Promise<void>;
};

const tableArn = async (clients: AwsClients, TableName: string) => (await clients.dynamodb.send(new DescribeTableCommand({ TableName }))).Table?.TableArn;

const sfnTags: TagCalls = {
  read: async (clients, resourceArn) => ((await clients.sfn.send(new ListSfnTagsCommand({ resourceArn }))).tags ?? []).map((tag) => [tag.key, tag.value]),
  write: async (clients, resourceArn, stack) => void (await clients.sfn.send(new TagSfnCommand({ resourceArn, tags: [{ key: stackTagKey, value: stack }] }))),
};

const tagCalls: Record<TaggedKind, TagCalls> = {
  queue: {
    read: async (clients, QueueUrl) => Object.entries((await clients.sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags ?? {}),
    write: async (clients, QueueUrl, stack) => void (await clients.sqs.send(new TagQueueCommand({ QueueUrl, Tags: { [stackTagKey]: stack } }))),
  },
  topic: {
    read: async (clients, ResourceArn) => ((await clients.sns.send(new ListSnsTagsCommand({ ResourceArn }))).Tags ?? []).map((tag) => [tag.Key, tag.Value]),
    write: async (clients, ResourceArn, stack) => void (await clients.sns.send(new TagTopicCommand({ ResourceArn, Tags: [{ Key: stackTagKey, Value: stack }] }))),
  },
  table: {
    read: async (clients, name) => ((await clients.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: await tableArn(clients, name) }))).Tags ?? []).map((tag) => [tag.Key, tag.Value]),
    write: async (clients, name, stack) => void (await clients.dynamodb.send(new TagTableCommand({ ResourceArn: await tableArn(clients, name), Tags: [{ Key: stackTagKey, Value: stack }] }))),
  },
  activity: sfnTags,
  'state machine': sfnTags,
  role: {
    read: async (clients, RoleName) => ((await clients.iam.send(new ListRoleTagsCommand({ RoleName }))).Tags ?? []).map((tag) => [tag.Key, tag.Value]),
    write: async (clients, RoleName, stack) => void (await clients.iam.send(new TagRoleCommand({ RoleName, Tags: [{ Key: stackTagKey, Value: stack }] }))),
  },
};

/** The stack a resource's `booksim:stack` tag names; undefined when it has none. */
export async function stackTagOf(clients: AwsClients, kind: TaggedKind, id: string): Promise<string | undefined> {
  return (await tagCalls[kind].read(clients, id)).find(([key]) => key === stackTagKey)?.[1];
}

/** Whether the resource carries `booksim:stack=<stack>`. */
export async function carriesStackTag(clients: AwsClients, kind: TaggedKind, id: string, stack: string): Promise<boolean> {
  return (await stackTagOf(clients, kind, id)) === stack;
}

/**
 * What deploy may do with an existing resource of the stack's name, asked before it
 * changes anything: refuses one tagged for another stack (an environment error); answers
 * whether it lacks the tag (a stack deployed by a booksim older than the tags), so that
 * deploy tags it ({@link tagForStack}) and destroy will delete it.
 */
export async function untaggedOfStack(clients: AwsClients, kind: TaggedKind, name: string, id: string, stack: string): Promise<boolean> {
  const owner = await stackTagOf(clients, kind, id);
  if (owner === undefined || owner === stack) return owner === undefined;
  throw new BooksimError(`${kind} ${name} carries ${stackTagKey}=${owner}: it belongs to another stack, and deploy will not take it over`, ExitCode.environment, [
    `Deploy under another --stack name, or delete the ${kind} first.`,
  ]);
}

/** Tags a resource `booksim:stack=<stack>`. */
export async function tagForStack(clients: AwsClients, kind: TaggedKind, id: string, stack: string): Promise<void> {
  await tagCalls[kind].write(clients, id, stack);
}

/** The detail of a deploy line for a resource it tagged. */
export const taggedDetail = (stack: string) => `tagged ${stackTagKey}=${stack}`;
