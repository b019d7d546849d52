import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { createClients, type AwsClients } from './clients.js';
import type { EndpointConfig, ServiceKey } from './endpoint.js';
import { awsFailure } from './errors.js';

const probeTimeoutMs = 5_000;

/** The cheapest call of each service; an endpoint is probed with that of the first service using it (sqs, sns, dynamodb, sfn, iam: IAM's only when it has an endpoint of its own). */
const probes: Record<ServiceKey, (clients: AwsClients, abortSignal: AbortSignal) => Promise<unknown>> = {
  sqs: (clients, abortSignal) => clients.sqs.send(new ListQueuesCommand({ MaxResults: 1 }), { abortSignal }),
  sns: (clients, abortSignal) => clients.sns.send(new ListTopicsCommand({}), { abortSignal }),
  dynamodb: (clients, abortSignal) => clients.dynamodb.send(new ListTablesCommand({ Limit: 1 }), { abortSignal }),
  sfn: (clients, abortSignal) => clients.sfn.send(new ListStateMachinesCommand({ maxResults: 1 }), { abortSignal }),
  iam: (clients, abortSignal) => clients.iam.send(new ListRolesCommand({ MaxItems: 1 }), { abortSignal }),
};

/**
 * Checks that the AWS endpoints answer before a command does anything: one call to each
 * distinct endpoint (by the first service that uses it), all at once, no retries, a few
 * seconds at most. Throws a BooksimError naming the URL that failed (the first service's,
 * in the order sqs, sns, dynamodb, sfn, iam) and how to start an endpoint when nothing answers.
 */
export async function probeEndpoint(config: EndpointConfig): Promise<void> {
  const clients = createClients({ endpoint: config.endpoints, region: config.region, local: config.local, maxAttempts: 1 });
  const probed = new Map<string, ServiceKey>();
  for (const [service, url] of Object.entries(config.endpoints) as Array<[ServiceKey, string]>) if (!probed.has(url)) probed.set(url, service);
  try {
    const signal = AbortSignal.timeout(probeTimeoutMs);
    const outcomes = await Promise.allSettled([...probed.values()].map((service) => probes[service](clients, signal)));
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw awsFailure(failed.reason, undefined, config.display);
  } finally {
    clients.destroy();
  }
}
