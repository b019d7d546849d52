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
import { TaskFailure } from './tasks.js';

/** A service integration named by a Task state's Resource, e.g. `arn:aws:states:::sqs:sendMessage.waitForTaskToken`. */
export interface Integration {
  service: string;
  action: string;
  waitForTaskToken: boolean;
}

const integrationArn = /^arn:aws:states:::([a-z]+):([A-Za-z]+)(\.waitForTaskToken)?$/;

/** Parses an integration Resource; undefined when it is not one. */
export function parseIntegration(resource: string): Integration | undefined {
  const match = integrationArn.exec(resource);
  return match ? { service: match[1]!, action: match[2]!, waitForTaskToken: match[3] !== undefined } : undefined;
}

/** The endpoint's own services, as integrations reach them. */
export interface IntegrationTargets {
  sns: Record<string, Operation>;
  sqs: Record<string, Operation>;
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

const messageFields: Record<string, string> = { sns: 'Message', sqs: 'MessageBody' };

/**
 * Performs an integration against the endpoint's own SNS, SQS or DynamoDB and returns
 * what the API returned. A failure becomes a {@link TaskFailure} named as AWS names it
 * (`SQS.QueueDoesNotExistException`, `DynamoDB.ConditionalCheckFailedException`).
 */
export async function performIntegration(
  integration: Integration,
  parameters: unknown,
  targets: IntegrationTargets,
  context: RequestContext,
): Promise<unknown> {
  const params = { ...(parameters as Params) };
  const { service, action } = integration;
  // Step Functions serialises a JSON payload into the message text.
  const field = messageFields[service];
  if (field && params[field] !== undefined && typeof params[field] !== 'string') params[field] = JSON.stringify(params[field]);
  try {
    if (service === 'sns' || service === 'sqs') {
      const operation = targets[service][action[0]!.toUpperCase() + action.slice(1)];
      if (operation) return await operation(params, context);
    }
    const dynamoCall = service === 'dynamodb' ? dynamoCalls[action] : undefined;
    if (dynamoCall) {
      const { $metadata, ...output } = (await dynamoCall(targets.dynamodb(), params as never)) as { $metadata: unknown };
      return output;
    }
  } catch (error) {
    if (error instanceof AwsError) throw new TaskFailure(errorName(service, error.code), error.message);
    if (error instanceof Error && '$metadata' in error) throw new TaskFailure(errorName(service, error.name), error.message);
    throw error;
  }
  throw new TaskFailure('States.Runtime', `booksim local does not support the integration ${service}:${action}.`);
}

function errorName(service: string, code: string): string {
  const prefix = service === 'dynamodb' ? 'DynamoDB' : service.toUpperCase();
  return `${prefix}.${code.endsWith('Exception') ? code : `${code}Exception`}`;
}
