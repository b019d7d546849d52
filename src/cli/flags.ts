import { Flags } from '@oclif/core';
import { timingProfiles, type TimingProfileName } from '../deploy/saga.js';
import { validStackName, type StackOptions } from '../deploy/stack.js';
import { checkedRegion } from '../model/quotas.js';
import { faultCatalog, type FaultName, type FaultSpec } from '../model/fault.js';
import { awsEndpoint } from '../aws/endpoint.js';
import { readQuotaTable, type QuotaTable } from '../model/quota-table.js';
import type { EmbeddedChoice } from '../pipeline/run-pipeline.js';
import { topologies } from '../model/topology.js';
import { BooksimError, ExitCode } from '../errors.js';
import { sloPresetNames, sloPresetsOf } from '../verify/slo-presets.js';
import { parseThreshold } from '../verify/thresholds.js';

/** Flags every command that talks to AWS shares: where, which region, which stack. */
export const endpointFlags = {
  endpoint: Flags.string({
    description:
      'AWS endpoint URL for every service (default: AWS_ENDPOINT_URL_<SERVICE> per service, else AWS_ENDPOINT_URL, else BOOKSIM_DEFAULT_ENDPOINT, else http://localhost:4566), or `aws`: real AWS, with the standard credential chain and a region (--region or AWS_REGION); only then does booksim talk to AWS',
    helpValue: 'URL',
  }),
  region: Flags.string({ description: 'AWS region (default: AWS_REGION, else us-east-1)' }),
  stack: Flags.string({ description: 'stack name: the prefix of every resource, so stacks can live side by side', default: 'booksim' }),
};

/** --yes: what every command that creates or deletes on real AWS (`--endpoint aws`) asks for, after naming the account and region. */
export const confirmFlags = {
  yes: Flags.boolean({ description: 'with --endpoint aws, go ahead without asking (a run that is not on a terminal exits 2 without it); other endpoints never ask', default: false }),
};

/** An IAM role's ARN, as Step Functions takes it (any partition; the path may have slashes). */
const roleArnPattern = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** --role-arn, checked before any call: undefined when not given (deploy then creates the stack's own role). */
export function roleArnOf(flags: { 'role-arn'?: string | undefined }): string | undefined {
  const arn = flags['role-arn'];
  if (arn !== undefined && !roleArnPattern.test(arn)) {
    throw new BooksimError(`--role-arn "${arn}" is not an IAM role ARN`, ExitCode.usage, ['Give one like arn:aws:iam::123456789012:role/booksim-saga, or leave it out and deploy creates the role.']);
  }
  return arn;
}

/** What `booksim deploy` (and `booksim run`) may choose about the stack. */
export const deployFlags = {
  topology: Flags.string({
    description:
      'how bookings reach the functions: fifo-fanout (SNS FIFO → SQS FIFO, the design), standard-fanout (standard SNS → standard SQS: unordered, at-least-once), shared-queue (one standard queue polled by both functions) or direct-chain (the API calls inventory, then payment, while the client waits)',
    options: [...topologies],
    default: 'fifo-fanout',
  }),
  profile: Flags.string({ description: 'timing profile of the saga: fast (seconds, for CI) or realistic (the original design)', options: [...timingProfiles], default: 'fast' }),
  'max-receive-count': Flags.integer({ description: 'receives of a message before its queue moves it to the DLQ', default: 5, min: 1, max: 1000 }),
  'role-arn': Flags.string({
    description: "IAM role the saga runs as (default: deploy creates <stack>-saga-role, which Step Functions may assume and which may only send to the stack's manual-review queue; destroy deletes it)",
    helpValue: 'ARN',
  }),
  'high-throughput': Flags.boolean({
    description:
      "FIFO queues and the FIFO topic in AWS's high-throughput mode (FifoThroughputLimit=perMessageGroupId and DeduplicationScope=messageGroup; FifoThroughputScope=MessageGroup): the quotas apply per message group, not per queue or topic. Default: on when --rps is above what a FIFO queue takes without it (300 a second), else off; --no-high-throughput keeps it off",
    allowNo: true,
  }),
};

/**
 * Whether the stack's FIFO queues and topic go high-throughput: as --[no-]high-throughput
 * says, else when the booking rate it is deployed for is above what a FIFO queue takes
 * without it: 300 transactions a second per API action (sqs.fifo.perQueueAction in
 * quotas/sqs.json, from AWS's SQS quotas page), and each booking is one message in each
 * FIFO queue, delivered by SNS one at a time. High throughput costs nothing more, and its
 * deduplication per message group loses nothing here: a request's retries share its
 * seat's group.
 */
export function highThroughputOf(flags: { 'high-throughput'?: boolean | undefined; rps?: string | number | undefined }, table?: QuotaTable): HighThroughput {
  if (flags['high-throughput'] !== undefined) return { on: flags['high-throughput'] };
  const rps = Number(flags.rps);
  if (flags.rps === undefined || !Number.isFinite(rps)) return { on: false };
  const limit = (table ?? readQuotaTable())['sqs.fifo.perQueueAction']!.rate;
  return rps > limit ? { on: true, byRate: { rps, limit } } : { on: false };
}

/** Whether the stack goes high-throughput, and, when its rate decided it, the rate and the limit it is above. */
export interface HighThroughput {
  on: boolean;
  byRate?: { rps: number; limit: number };
}

/** The stack options of parsed {@link deployFlags} and --stack, but the topology (which `compare` chooses per run): the stack name checked; `throughput` as {@link highThroughputOf} decides it, unless the caller has. */
export function stackOptionsOf(
  flags: { stack: string; profile: string; 'max-receive-count': number; 'role-arn'?: string | undefined; 'high-throughput'?: boolean | undefined; rps?: string | number | undefined },
  throughput: HighThroughput = highThroughputOf(flags),
): Omit<StackOptions, 'topology'> {
  const roleArn = roleArnOf(flags);
  return {
    stack: validStackName(flags.stack),
    profile: flags.profile as TimingProfileName,
    maxReceiveCount: flags['max-receive-count'],
    ...(roleArn ? { roleArn } : {}),
    highThroughput: throughput.on,
  };
}

/** --standard-queue-chaos with its default: 0.2 for `local`, `run` and `compare`; `sabotage` keeps order (0). */
export const standardQueueChaosFlag = (defaultValue: string) =>
  Flags.string({
    description: 'on the embedded endpoint, the probability (0–1) that a standard queue duplicates a send, delivers it up to 2 s late, or shuffles a receive, as real SQS may; FIFO queues are untouched',
    default: defaultValue,
    helpValue: 'P',
  });

/** How the embedded endpoint's standard queues misbehave: for `booksim local`, and for the one `run` and `compare` start when nothing answers. */
export const embeddedEndpointFlags = { 'standard-queue-chaos': standardQueueChaosFlag('0.2') };

/**
 * --aws-quotas REGION: AWS's throughput quotas with the region's figures, enforced by the
 * embedded endpoint (`local`, and the one `run` and `compare` start); `storm` checks that its
 * endpoint enforces them. A flag with a value always: oclif cannot tell an optional value
 * from the next argument, so the default region is written out (`--aws-quotas us-east-1`).
 */
export const awsQuotasFlags = {
  'aws-quotas': Flags.string({
    description: "enforce AWS's throughput quotas (SQS FIFO, SNS FIFO, Step Functions, DynamoDB) with REGION's published figures, e.g. us-east-1; throttled calls are answered as AWS answers them and the run records every throttle by quota. Off by default",
    helpValue: 'REGION',
  }),
};

/** The endpoint's quota option of --aws-quotas: the region name checked (a usage error unless it is one). */
export function awsQuotasOf(flags: { 'aws-quotas'?: string | undefined }): { region: string } | undefined {
  const region = flags['aws-quotas'];
  return region === undefined ? undefined : { region: checkedRegion(region) };
}

/** The AWS faults among `faults`, once each: what a chaos proxy in front of the endpoint injects. */
export function proxiedFaults(faults: readonly FaultSpec[]): FaultName[] {
  return [...new Set(faults.map((fault) => fault.name).filter((name) => faultCatalog[name].target === 'aws'))];
}

/**
 * What only a local endpoint can do, refused with `--endpoint aws` before any call: AWS
 * faults (a chaos proxy in front of the endpoint passes the workers' calls on, and AWS
 * checks each call's signature against its own host, over HTTPS) and --aws-quotas (AWS
 * enforces its own). A usage error in one line.
 */
export function refuseLocalOnlyOnAws(flags: { endpoint?: string | undefined; 'aws-quotas'?: string | undefined }, faults: readonly FaultSpec[]): void {
  if (flags.endpoint !== awsEndpoint) return;
  const proxied = proxiedFaults(faults);
  if (proxied.length > 0) {
    throw new BooksimError(`--endpoint aws: ${proxied.join(', ')} ${proxied.length > 1 ? 'are' : 'is'} injected by a proxy in front of the endpoint, which cannot stand in front of AWS`, ExitCode.usage, [
      'Run AWS faults against booksim local or LocalStack; on AWS use the other faults (gateway, worker).',
    ]);
  }
  if (flags['aws-quotas'] !== undefined) throw new BooksimError('--endpoint aws: --aws-quotas checks that booksim local enforces AWS\'s quotas; AWS enforces its own', ExitCode.usage, ['Drop --aws-quotas.']);
}

/** The probability --standard-queue-chaos gives; a usage error unless it is a number from 0 to 1. */
export function standardQueueChaosOf(flags: { 'standard-queue-chaos': string }): number {
  const value = flags['standard-queue-chaos'];
  const chaos = Number(value);
  if (value.trim() === '' || !(chaos >= 0 && chaos <= 1)) {
    throw new BooksimError(`--standard-queue-chaos must be a number from 0 to 1, got "${value}"`, ExitCode.usage, ['e.g. --standard-queue-chaos 0.2, or 0 for standard queues that keep order and never duplicate']);
  }
  return chaos;
}

/** What `booksim verify` (and `booksim run`) check beyond the invariants, and where else the JUnit report goes. */
export const verifyFlags = {
  threshold: Flags.string({
    description: 'a bound that fails the run, k6 style: a latency in ms ("decision.p99<2000"), a rate as a ratio ("saga.success_rate>0.99"), a count or a cost (repeatable; `booksim verify --help` lists the metrics)',
    multiple: true,
    default: [],
  }),
  slo: Flags.string({
    description: `a preset of thresholds, added to --threshold's (repeatable): ${sloPresetNames.join(', ')} (the design's SLOs, latency limits scaled to the run's timing profile)`,
    multiple: true,
    default: [],
    helpValue: 'PRESET',
  }),
  junit: Flags.string({ description: 'also write the JUnit XML report here', helpValue: 'FILE' }),
};

/** --threshold and --slo, checked, so that a bad expression or preset is a usage error (exit 2) before anything runs. */
export function thresholdsOf(flags: { threshold: string[]; slo: string[] }): { thresholds: string[]; slo: string[] } {
  for (const expression of flags.threshold) parseThreshold(expression);
  return { thresholds: flags.threshold, slo: sloPresetsOf(flags.slo) };
}

/** The embedded endpoint `run` and `compare` start when nothing answers: --standard-queue-chaos, --aws-quotas, and the storm's seed. */
export function embeddedChoiceOf(flags: { 'standard-queue-chaos': string; 'aws-quotas'?: string | undefined }, seed: number): EmbeddedChoice {
  const awsQuotas = awsQuotasOf(flags);
  return { standardQueueChaos: standardQueueChaosOf(flags), seed, ...(awsQuotas ? { awsQuotas } : {}) };
}
