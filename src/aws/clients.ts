import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsEndpoint, type ServiceKey } from './endpoint.js';
import { tagFailedCalls, type MiddlewareClient } from './failed-calls.js';

export interface ClientOptions {
  /** One endpoint URL for every service (e.g. http://127.0.0.1:4566), or one per service; `aws` (awsEndpoint) leaves a service to the SDK's default resolver. */
  endpoint: string | Record<ServiceKey, string>;
  region?: string;
  /**
   * Explicit credentials. Undefined means the SDK's usual chain, except on a local endpoint
   * (see `local`) with none configured, where test/test is used as LocalStack expects.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The endpoint is on this machine: fall back to test/test credentials. Default true. */
  local?: boolean;
  /** Attempts per call, retries included (the SDK's default is 3). */
  maxAttempts?: number;
}

/** The AWS SDK clients booksim uses, each pointed at its service's endpoint. */
export interface AwsClients {
  sqs: SQSClient;
  sns: SNSClient;
  dynamodb: DynamoDBClient;
  sfn: SFNClient;
  /** Only deploy and destroy call it: the saga's role. */
  iam: IAMClient;
  /** Releases the clients' sockets. */
  destroy(): void;
}

const localCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Whether the environment configures credentials for the SDK's chain. */
function credentialsConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
}

/**
 * The credentials the clients are given: the explicit ones, else test/test on a local
 * endpoint with none configured, else none (the SDK's standard chain). Real AWS (an
 * endpoint of `aws`) never gets the test/test fallback.
 */
export function credentialsOf(options: ClientOptions, env: NodeJS.ProcessEnv): ClientOptions['credentials'] {
  const endpoints = typeof options.endpoint === 'string' ? [options.endpoint] : Object.values(options.endpoint);
  const onAws = endpoints.includes(awsEndpoint);
  return options.credentials ?? ((options.local ?? true) && !onAws && !credentialsConfigured(env) ? localCredentials : undefined);
}

/**
 * Creates every AWS client in one place, so endpoint, region and credentials agree; each
 * client's errors remember the call they came from (failedCallOf).
 */
export function createClients(options: ClientOptions, env: NodeJS.ProcessEnv = process.env): AwsClients {
  const endpointOf = (service: ServiceKey) => (typeof options.endpoint === 'string' ? options.endpoint : options.endpoint[service]);
  const credentials = credentialsOf(options, env);
  const config = (service: ServiceKey) => ({
    region: options.region ?? 'us-east-1',
    ...(endpointOf(service) === awsEndpoint ? {} : { endpoint: endpointOf(service) }),
    ...(credentials ? { credentials } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  const clients = {
    sqs: new SQSClient(config('sqs')),
    sns: new SNSClient(config('sns')),
    dynamodb: new DynamoDBClient(config('dynamodb')),
    sfn: new SFNClient(config('sfn')),
    iam: new IAMClient(config('iam')),
  };
  for (const [service, client] of Object.entries(clients) as Array<[ServiceKey, MiddlewareClient]>) tagFailedCalls(client, service, endpointOf(service));
  return {
    ...clients,
    destroy: () => Object.values(clients).forEach((client) => client.destroy()),
  };
}
