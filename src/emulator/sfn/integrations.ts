import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { AwsError } from '../aws-error.js';
import type { RequestContext } from '../http.js';
import type { Operation } from '../json-protocol.js';
import type { Params } from '../params.js';
import { awsSdkCause, awsSdkErrorName, toApiNames, toStatesNames, withException } from './aws-sdk-names.js';
import { TaskFailure } from './tasks.js';

/** How a Task state waits on its integration: the call alone, a callback token, or (`.sync`) the job it started. */
export type IntegrationPattern = 'request' | 'waitForTaskToken' | 'sync' | 'sync:2';

/**
 * A service integration named by a Task state's Resource: an optimised one
 * (`arn:aws:states:::sqs:sendMessage.waitForTaskToken`, `…:states:startExecution.sync:2`) or an
 * AWS SDK one (`arn:aws:states:::aws-sdk:sfn:getActivityTask`).
 */
export interface Integration {
  service: string;
  action: string;
  /** An AWS SDK integration: PascalCase parameters and results, errors named `Sfn.…Exception`. */
  sdk: boolean;
  pattern: IntegrationPattern;
  /** The names history gives it: `sqs` / `sendMessage.waitForTaskToken`, `aws-sdk:sfn` / `getActivityTask`. */
  resourceType: string;
  resource: string;
}

const integrationArn = /^arn:aws:states:::(aws-sdk:)?([a-z0-9-]+):([A-Za-z0-9]+)(?:\.(waitForTaskToken|sync:2|sync))?$/;

/** Parses an integration Resource; undefined when it is not one. */
export function parseIntegration(resource: string): Integration | undefined {
  const match = integrationArn.exec(resource);
  if (!match) return undefined;
  const [, sdkPrefix, service, action, pattern] = match as unknown as [string, string | undefined, string, string, IntegrationPattern | undefined];
  return {
    service,
    action,
    sdk: sdkPrefix !== undefined,
    pattern: pattern ?? 'request',
    resourceType: `${sdkPrefix ?? ''}${service}`,
    resource: pattern ? `${action}.${pattern}` : action,
  };
}

/** The endpoint's own services, as integrations reach them. */
export interface IntegrationTargets {
  sns: Record<string, Operation>;
  sqs: Record<string, Operation>;
  /** Step Functions itself, for `states:startExecution` and `aws-sdk:sfn:*`. */
  sfn: Record<string, Operation>;
  /** DynamoDB is dynalite behind HTTP, so it is reached with the SDK at the endpoint's own URL. */
  dynamodb: () => DynamoDBClient;
}

type DynamoCall = (client: DynamoDBClient, input: never) => Promise<object>;

const dynamoCalls: Record<string, DynamoCall> = {
  putItem: (client, input) => client.send(new PutItemCommand(input)),
  getItem: (client, input) => client.send(new GetItemCommand(input)),
  updateItem: (client, input) => client.send(new UpdateItemCommand(input)),
  deleteItem: (client, input) => client.send(new DeleteItemCommand(input)),
};

/** Parameters Step Functions serialises to JSON text when a state gives them as JSON values. */
const textFields: Record<string, string[]> = { sns: ['Message'], sqs: ['MessageBody'], sfn: ['input', 'output'] };

/** The optimised integrations' error prefixes where they differ from the upper-cased service name. */
const optimisedPrefixes: Record<string, string> = { dynamodb: 'DynamoDB', states: 'StepFunctions' };

/**
 * Performs an integration against the endpoint's own SNS, SQS, DynamoDB or Step Functions
 * and returns what the API returned. A failure becomes a {@link TaskFailure} named as AWS
 * names it (`SQS.QueueDoesNotExistException`, `DynamoDB.ConditionalCheckFailedException`,
 * `Sfn.InvalidTokenException`).
 */
export async function performIntegration(
  integration: Integration,
  parameters: unknown,
  targets: IntegrationTargets,
  context: RequestContext,
): Promise<unknown> {
  const { service, action, sdk } = integration;
  const unsupported = new TaskFailure('States.Runtime', `booksim local does not support the integration ${integration.resourceType}:${integration.resource}.`);
  // The only job booksim can wait for (`.sync`) is a nested execution.
  const waitsForJob = integration.pattern === 'sync' || integration.pattern === 'sync:2';
  if (waitsForJob && !(service === 'states' && action === 'startExecution')) throw unsupported;
  const apiService = service === 'states' ? 'sfn' : service;
  // AWS SDK integrations take PascalCase names even where the API is camelCase (Step Functions'); so do `states:` ones.
  const params = apiService === 'sfn' ? toApiNames(parameters as Params) : { ...(parameters as Params) };
  for (const field of textFields[apiService] ?? []) {
    if (params[field] !== undefined && params[field] !== null && typeof params[field] !== 'string') params[field] = JSON.stringify(params[field]);
  }
  try {
    const result = await call(apiService, action, params, targets, context);
    if (result === undefined) throw unsupported;
    return apiService === 'sfn' ? toStatesNames(result as Params) : result;
  } catch (error) {
    const code = error instanceof AwsError ? error.code : error instanceof Error && '$metadata' in error ? error.name : undefined;
    if (code === undefined) throw error;
    const message = (error as Error).message;
    if (sdk) throw new TaskFailure(awsSdkErrorName(service, code), awsSdkCause(service, message, error instanceof AwsError ? error.status : 400, context.requestId));
    throw new TaskFailure(`${optimisedPrefixes[service] ?? service.toUpperCase()}.${withException(code)}`, message);
  }
}

/** Calls one API action of the endpoint's services; undefined when booksim does not serve it. */
async function call(service: string, action: string, params: Params, targets: IntegrationTargets, context: RequestContext): Promise<unknown> {
  if (service === 'sns' || service === 'sqs' || service === 'sfn') {
    const operation = targets[service][action[0]!.toUpperCase() + action.slice(1)];
    return operation ? ((await operation(params, context)) ?? {}) : undefined;
  }
  const dynamoCall = service === 'dynamodb' ? dynamoCalls[action] : undefined;
  if (!dynamoCall) return undefined;
  const { $metadata, ...output } = (await dynamoCall(targets.dynamodb(), params as never)) as { $metadata: unknown };
  return output;
}
