import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../clock.js';
import { AwsError } from '../aws-error.js';
import type { RequestContext } from '../http.js';
import type { Operation } from '../json-protocol.js';
import { optionalInteger, optionalString, requiredString, type Params } from '../params.js';
import { parseDefinition, type MachineDefinition } from './definition.js';
import { Execution, type ExecutionStatus } from './execution.js';
import { throttledOperations } from './sfn-quotas.js';
import { Activity, TaskTokens } from './tasks.js';
import type { Quotas } from '../quotas/quotas.js';

export interface SfnOptions {
  clock: Clock;
  sns: Record<string, Operation>;
  sqs: Record<string, Operation>;
  dynamodb: () => DynamoDBClient;
  /** AWS's throughput quotas to enforce (`--aws-quotas`); none checked without. */
  quotas?: Quotas;
}

interface StateMachineRecord {
  arn: string;
  name: string;
  definitionText: string;
  definition: MachineDefinition;
  roleArn: string;
  type: string;
  creationDate: number;
}

const namePattern = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;
const activityPollMs = 60_000;
const statuses = new Set<ExecutionStatus>(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * Booksim's Step Functions: state machines, activities and executions in the JSON 1.0
 * protocol of @aws-sdk/client-sfn. Executions are interpreted by aws-local-stepfunctions;
 * activities, heartbeats, timeouts, integrations and history are booksim's own.
 */
export class SfnService {
  readonly operations: Record<string, Operation>;
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly activities = new Map<string, Activity>();
  private readonly executions = new Map<string, Execution>();
  /** Each state machine's and activity's tags, by ARN (kept while the resource is). */
  private readonly tags = new Map<string, Map<string, string>>();
  private readonly tokens: TaskTokens;

  constructor(private readonly options: SfnOptions) {
    this.tokens = new TaskTokens(options.clock);
    const operations: Record<string, Operation> = {
      CreateStateMachine: (p, c) => this.createStateMachine(p, c),
      UpdateStateMachine: (p) => this.updateStateMachine(p),
      DescribeStateMachine: (p) => this.describeStateMachine(this.machineOf(p)),
      ListStateMachines: (p, c) =>
        page(p, ownedBy(c, [...this.machines.values()]), 'stateMachines', (m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: seconds(m.creationDate) })),
      // Deleting what does not exist succeeds: the model lists no not-found error here.
      DeleteStateMachine: (p) => {
        const arn = validArn(requiredString(p, 'stateMachineArn'), 'stateMachine');
        this.machines.delete(arn);
        this.tags.delete(arn);
        return {};
      },
      CreateActivity: (p, c) => this.createActivity(p, c),
      DescribeActivity: (p) => describeActivity(this.activityOf(p)),
      ListActivities: (p, c) => page(p, ownedBy(c, [...this.activities.values()]), 'activities', describeActivity),
      DeleteActivity: (p) => {
        const arn = validArn(requiredString(p, 'activityArn'), 'activity');
        this.activities.get(arn)?.close();
        this.activities.delete(arn);
        this.tags.delete(arn);
        return {};
      },
      TagResource: (p) => (this.tag(this.taggable(p), p), {}),
      UntagResource: (p) => {
        const tags = this.tags.get(this.taggable(p));
        for (const key of (p.tagKeys as unknown[] | undefined) ?? []) tags?.delete(String(key));
        return {};
      },
      ListTagsForResource: (p) => ({ tags: [...(this.tags.get(this.taggable(p)) ?? new Map<string, string>())].map(([key, value]) => ({ key, value })) }),
      StartExecution: (p, c) => this.startExecution(p, c),
      DescribeExecution: (p) => this.executionOf(p).describe(),
      ListExecutions: (p) => this.listExecutions(p),
      StopExecution: (p) => {
        const execution = this.executionOf(p);
        execution.stop(optionalString(p, 'error'), optionalString(p, 'cause'));
        return { stopDate: seconds(execution.stopDate ?? this.options.clock.now()) };
      },
      GetExecutionHistory: (p) => this.getExecutionHistory(p),
      GetActivityTask: (p, c) => this.getActivityTask(p, c),
      SendTaskHeartbeat: (p) => (this.tokens.task(requiredString(p, 'taskToken')).beat(), {}),
      SendTaskSuccess: (p) => {
        const task = this.tokens.task(requiredString(p, 'taskToken'));
        const output = requiredString(p, 'output');
        if (!isJson(output)) throw new AwsError('InvalidOutput', 'Invalid Output: the output is not valid JSON.');
        task.succeed(output);
        return {};
      },
      SendTaskFailure: (p) => (this.tokens.task(requiredString(p, 'taskToken')).fail(optionalString(p, 'error'), optionalString(p, 'cause')), {}),
    };
    this.operations = options.quotas ? throttledOperations(operations, options.quotas) : operations;
  }

  /** Ends every long poll; used when the endpoint stops. */
  close(): void {
    for (const activity of this.activities.values()) activity.close();
    for (const execution of this.executions.values()) execution.stop('States.Runtime', 'The endpoint stopped.');
  }

  private createStateMachine(params: Params, context: RequestContext) {
    const name = validName(requiredString(params, 'name'));
    const definitionText = requiredString(params, 'definition');
    const definition = parseDefinition(definitionText);
    const roleArn = optionalString(params, 'roleArn') ?? `arn:aws:iam::${context.accountId}:role/booksim`;
    const arn = `arn:aws:states:${context.region}:${context.accountId}:stateMachine:${name}`;
    const type = optionalString(params, 'type') ?? 'STANDARD';
    // Idempotent on name, definition and type; a different role is ignored, as on AWS.
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.definitionText !== definitionText || existing.type !== type) {
        throw new AwsError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
      }
      return { stateMachineArn: arn, creationDate: seconds(existing.creationDate) };
    }
    const creationDate = this.options.clock.now();
    this.machines.set(arn, { arn, name, definitionText, definition, roleArn, type, creationDate });
    this.tag(arn, params);
    return { stateMachineArn: arn, creationDate: seconds(creationDate) };
  }

  private updateStateMachine(params: Params) {
    const machine = this.machineOf(params);
    const definitionText = optionalString(params, 'definition');
    if (definitionText === undefined && params.roleArn === undefined) {
      throw new AwsError('MissingRequiredParameter', 'Either the definition or the roleArn must be specified.');
    }
    if (definitionText !== undefined) {
      machine.definition = parseDefinition(definitionText);
      machine.definitionText = definitionText;
    }
    machine.roleArn = optionalString(params, 'roleArn') ?? machine.roleArn;
    return { updateDate: seconds(this.options.clock.now()) };
  }

  private describeStateMachine(machine: StateMachineRecord) {
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definitionText,
      roleArn: machine.roleArn,
      type: machine.type,
      creationDate: seconds(machine.creationDate),
    };
  }

  /** The state machine or activity a tagging call names (resourceArn); ResourceNotFound otherwise, as on AWS. */
  private taggable(params: Params): string {
    const arn = requiredString(params, 'resourceArn');
    if (!this.machines.has(arn) && !this.activities.has(arn)) throw new AwsError('ResourceNotFound', `Resource not found: '${arn}'`);
    return arn;
  }

  /** Adds the request's `tags` ([{key, value}]) to the resource's. */
  private tag(arn: string, params: Params): void {
    const given = (params.tags as Array<{ key?: unknown; value?: unknown }> | undefined) ?? [];
    if (given.length === 0) return;
    const tags = this.tags.get(arn) ?? new Map<string, string>();
    for (const { key, value } of given) {
      if (typeof key !== 'string' || key.length < 1 || key.length > 128) throw new AwsError('ValidationException', 'a tag key must be 1 to 128 characters long');
      tags.set(key, typeof value === 'string' ? value : '');
    }
    this.tags.set(arn, tags);
  }

  private createActivity(params: Params, context: RequestContext) {
    const name = validName(requiredString(params, 'name'));
    const arn = `arn:aws:states:${context.region}:${context.accountId}:activity:${name}`;
    let activity = this.activities.get(arn);
    if (!activity) {
      activity = new Activity(arn, name, this.options.clock);
      this.activities.set(arn, activity);
      this.tag(arn, params);
    }
    return { activityArn: arn, creationDate: seconds(activity.creationDate) };
  }

  /**
   * StartExecution is idempotent by name while the execution runs with the same input;
   * otherwise a used name is ExecutionAlreadyExists, as on AWS.
   */
  private startExecution(params: Params, context: RequestContext) {
    const machine = this.machineOf(params);
    const name = validName(optionalString(params, 'name') ?? randomUUID());
    const input = optionalString(params, 'input') ?? '{}';
    if (!isJson(input)) throw new AwsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not valid JSON.');
    const arn = `arn:aws:states:${context.region}:${context.accountId}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn: arn, startDate: seconds(existing.startDate) };
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution = new Execution(arn, name, { arn: machine.arn, name: machine.name, definition: machine.definition, roleArn: machine.roleArn }, input, {
      clock: this.options.clock,
      tokens: this.tokens,
      activity: (activityArn) => this.activities.get(activityArn),
      execution: (executionArn) => this.executions.get(executionArn),
      integrations: { sns: this.options.sns, sqs: this.options.sqs, sfn: this.operations, dynamodb: this.options.dynamodb },
    }, context);
    this.executions.set(arn, execution);
    execution.start();
    return { executionArn: arn, startDate: seconds(execution.startDate) };
  }

  private listExecutions(params: Params) {
    const machine = this.machineOf(params);
    const filter = optionalString(params, 'statusFilter');
    if (filter !== undefined && !statuses.has(filter as ExecutionStatus)) {
      throw new AwsError('ValidationException', `Value '${filter}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${[...statuses].join(', ')}]`);
    }
    const executions = [...this.executions.values()]
      .filter((e) => e.machine.arn === machine.arn && (filter === undefined || e.status === filter))
      .reverse();
    return page(params, executions, 'executions', (e) => {
      const { executionArn, stateMachineArn, name, status, startDate, stopDate } = e.describe();
      return { executionArn, stateMachineArn, name, status, startDate, stopDate };
    });
  }

  private getExecutionHistory(params: Params) {
    const execution = this.executionOf(params);
    const events = params.reverseOrder === true ? [...execution.history.events].reverse() : execution.history.events;
    return page(params, events, 'events', (event) => event);
  }

  private async getActivityTask(params: Params, context?: RequestContext) {
    const activity = this.activityOf(params);
    const task = await activity.take(activityPollMs, context?.clientGone);
    if (!task) return {};
    task.spec.history.add('ActivityStarted', { workerName: optionalString(params, 'workerName') });
    task.started();
    return { taskToken: task.token, input: task.input };
  }

  private machineOf(params: Params): StateMachineRecord {
    const arn = validArn(requiredString(params, 'stateMachineArn'), 'stateMachine');
    const machine = this.machines.get(arn);
    if (!machine) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private activityOf(params: Params): Activity {
    const arn = validArn(requiredString(params, 'activityArn'), 'activity');
    const activity = this.activities.get(arn);
    if (!activity) throw new AwsError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`);
    return activity;
  }

  private executionOf(params: Params): Execution {
    const arn = validArn(requiredString(params, 'executionArn'), 'execution');
    const execution = this.executions.get(arn);
    if (!execution) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }
}

/**
 * The resources of the caller's account and region, which are all that List* show on AWS;
 * an ARN of another account still reaches its resource (booksim enforces no policy).
 */
function ownedBy<T extends { arn: string }>(context: RequestContext, resources: T[]): T[] {
  const prefix = `arn:aws:states:${context.region}:${context.accountId}:`;
  return resources.filter((resource) => resource.arn.startsWith(prefix));
}

function describeActivity(activity: Activity) {
  return { activityArn: activity.arn, name: activity.name, creationDate: seconds(activity.creationDate) };
}

/** Pages a list the way Step Functions does: maxResults (default 100, at most 1000) and an opaque nextToken. */
function page<T>(params: Params, items: T[], key: string, describe: (item: T) => unknown) {
  const maxResults = optionalInteger(params, 'maxResults', 0, 1000) || 100;
  const token = optionalString(params, 'nextToken');
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidToken', 'Invalid Token: the nextToken is not one this endpoint gave out.');
  const end = start + maxResults;
  return {
    [key]: items.slice(start, end).map(describe),
    ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString('base64url') } : {}),
  };
}

function validName(name: string): string {
  if (!namePattern.test(name)) throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
  return name;
}

function validArn(arn: string, resourceType: string): string {
  if (!new RegExp(`^arn:aws:states:[a-z0-9-]+:\\d{12}:${resourceType}:`).test(arn)) {
    throw new AwsError('InvalidArn', `Invalid Arn: '${arn}' is not a ${resourceType} ARN`);
  }
  return arn;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Step Functions' JSON protocol carries dates as epoch seconds. */
function seconds(ms: number): number {
  return ms / 1000;
}
