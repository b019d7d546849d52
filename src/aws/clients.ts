import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface ClientOptions {
  /** Endpoint URL, e.g. http://127.0.0.1:4566. */
  endpoint: string;
  region?: string;
  /** Explicit credentials; a local endpoint accepts any, so test/test is the default. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The AWS SDK clients booksim uses, all pointed at one endpoint. */
export interface AwsClients {
  sqs: SQSClient;
  sns: SNSClient;
  dynamodb: DynamoDBClient;
  sfn: SFNClient;
  /** Releases the clients' sockets. */
  destroy(): void;
}

/** Creates every AWS client in one place, so endpoint, region and credentials agree. */
export function createClients(options: ClientOptions): AwsClients {
  const config = {
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    credentials: options.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const clients = { sqs: new SQSClient(config), sns: new SNSClient(config), dynamodb: new DynamoDBClient(config), sfn: new SFNClient(config) };
  return {
    ...clients,
    destroy: () => Object.values(clients).forEach((client) => client.destroy()),
  };
}
