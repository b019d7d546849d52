import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { createClients } from './clients.js';
import type { EndpointConfig } from './endpoint.js';
import { awsFailure } from './errors.js';

const probeTimeoutMs = 5_000;

/**
 * Checks that the AWS endpoint answers before a command does anything: one SQS call, no
 * retries, a few seconds at most. Throws a BooksimError naming the URL and how to start
 * an endpoint when nothing answers.
 */
export async function probeEndpoint(config: EndpointConfig): Promise<void> {
  const { sqs, destroy } = createClients({ endpoint: config.endpoints, region: config.region, local: config.local, maxAttempts: 1 });
  try {
    await sqs.send(new ListQueuesCommand({ MaxResults: 1 }), { abortSignal: AbortSignal.timeout(probeTimeoutMs) });
  } catch (error) {
    throw awsFailure(error, undefined, config.endpoints.sqs);
  } finally {
    destroy();
  }
}
