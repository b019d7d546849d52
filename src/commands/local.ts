import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { awsQuotasFlags, awsQuotasOf, embeddedEndpointFlags, standardQueueChaosOf } from '../cli/flags.js';
import { startEmbeddedEndpoint, defaultPort } from '../emulator/server.js';
import { parseDuration } from '../duration.js';
import { exitCodeHelp } from '../errors.js';

export default class Local extends BaseCommand {
  static override summary = 'Serve SQS, SNS, DynamoDB, Step Functions and IAM roles on one loopback port, with no Docker.';

  static override description = `The embedded endpoint speaks the real AWS wire protocols, so the unmodified AWS SDK talks to it: SQS (JSON protocol), SNS (query protocol), DynamoDB (dynalite, in memory, with transactions and TTL that expires items), Step Functions (executions interpreted by aws-local-stepfunctions, with activities, heartbeats and history) and IAM (query protocol; roles with their tags and inline policies, kept per account and never evaluated: no call is ever denied), routed by X-Amz-Target, credential scope or Action, like LocalStack's edge port.

With --aws-quotas REGION it enforces AWS's throughput quotas with that region's figures (quotas/*.json, each with its source): per FIFO queue and API action as its FifoThroughputLimit and DeduplicationScope say, per SNS FIFO topic as its FifoThroughputScope says, Step Functions' StartExecution and activity buckets, DynamoDB's per-partition and on-demand limits. A throttled call gets the error AWS answers with, which the SDK retries as it would on AWS; GET /_booksim/quotas lists every throttle by quota and resource, and a storm against it reports them. State lives in memory and is gone when it stops (Ctrl-C or SIGTERM). Point clients at it with --endpoint or AWS_ENDPOINT_URL; any credentials are accepted.

Exit codes:
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> local',
    '<%= config.bin %> local --port 4567',
    '<%= config.bin %> local --standard-queue-chaos 0 --seed 7   # standard queues in order, no duplicates',
    '<%= config.bin %> local --aws-quotas us-east-1   # throttle as AWS would in us-east-1',
    '<%= config.bin %> local --ttl-sweep-interval 1s   # DynamoDB items past their TTL deleted within a second',
    'AWS_ENDPOINT_URL=http://127.0.0.1:4566 aws sqs list-queues',
  ];

  static override flags = {
    host: Flags.string({ description: 'loopback address to bind', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'port to listen on (0 picks a free one)', default: defaultPort, min: 0, max: 65535 }),
    ...embeddedEndpointFlags,
    ...awsQuotasFlags,
    seed: Flags.integer({ description: 'seed for the endpoint\'s randomness (standard-queue chaos)' }),
    'ttl-sweep-interval': Flags.string({
      description: 'how often DynamoDB deletes items whose TTL has passed, on tables with TTL enabled (AWS typically takes up to two days); 0 never deletes them',
      default: '10s',
      helpValue: 'DURATION',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Local);
    const awsQuotas = awsQuotasOf(flags);
    const endpoint = await startEmbeddedEndpoint({
      host: flags.host,
      port: flags.port,
      standardQueueChaos: standardQueueChaosOf(flags),
      timeToLiveSweepMs: flags['ttl-sweep-interval'].trim() === '0' ? 0 : parseDuration(flags['ttl-sweep-interval'], '--ttl-sweep-interval'),
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      ...(awsQuotas ? { awsQuotas } : {}),
    });
    const quotas = awsQuotas ? `; AWS quotas enforced (${awsQuotas.region} figures)` : '';
    this.log(`booksim local ready at ${endpoint.url} (${endpoint.services.join(', ')})${quotas}; Ctrl-C to stop`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await endpoint.close();
    this.log(`booksim local stopped (${signal})`);
  }
}
