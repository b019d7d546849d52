import { Flags } from '@oclif/core';
import { timingProfiles, type TimingProfileName } from '../deploy/saga.js';
import { topologies, validStackName, type StackOptions } from '../deploy/stack.js';

/** Flags every command that talks to AWS shares: where, which region, which stack. */
export const endpointFlags = {
  endpoint: Flags.string({
    description: 'AWS endpoint URL (default: AWS_ENDPOINT_URL, else http://localhost:4566)',
    helpValue: 'URL',
  }),
  region: Flags.string({ description: 'AWS region (default: AWS_REGION, else us-east-1)' }),
  stack: Flags.string({ description: 'stack name: the prefix of every resource, so stacks can live side by side', default: 'booksim' }),
};

/** What `booksim deploy` (and `booksim run`) may choose about the stack. */
export const deployFlags = {
  topology: Flags.string({
    description: 'how bookings reach the functions: fifo-fanout (SNS FIFO → SQS FIFO, the design) or standard-fanout (standard SNS → standard SQS: unordered, at-least-once)',
    options: [...topologies],
    default: 'fifo-fanout',
  }),
  profile: Flags.string({ description: 'timing profile of the saga: fast (seconds, for CI) or realistic (the original design)', options: [...timingProfiles], default: 'fast' }),
  'max-receive-count': Flags.integer({ description: 'receives of a message before its queue moves it to the DLQ', default: 5, min: 1, max: 1000 }),
  'role-arn': Flags.string({ description: 'IAM role the saga runs as (LocalStack and booksim local accept any)', default: 'arn:aws:iam::000000000000:role/booksim-saga' }),
};

/** The stack options of parsed {@link deployFlags} and --stack, but the topology (which `compare` chooses per run): the stack name checked. */
export function stackOptionsOf(flags: { stack: string; profile: string; 'max-receive-count': number; 'role-arn': string }): Omit<StackOptions, 'topology'> {
  return { stack: validStackName(flags.stack), profile: flags.profile as TimingProfileName, maxReceiveCount: flags['max-receive-count'], roleArn: flags['role-arn'] };
}

/** What `booksim verify` (and `booksim run`) check beyond the invariants, and where else the JUnit report goes. */
export const verifyFlags = {
  threshold: Flags.string({ description: 'a latency bound that fails the run, k6 style: "decision.p99<2000" (repeatable)', multiple: true, default: [] }),
  junit: Flags.string({ description: 'also write the JUnit XML report here', helpValue: 'FILE' }),
};
