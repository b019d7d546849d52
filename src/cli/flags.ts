import { Flags } from '@oclif/core';

/** Flags every command that talks to AWS shares: where, which region, which stack. */
export const endpointFlags = {
  endpoint: Flags.string({
    description: 'AWS endpoint URL (default: AWS_ENDPOINT_URL, else http://localhost:4566)',
    helpValue: 'URL',
  }),
  region: Flags.string({ description: 'AWS region (default: AWS_REGION, else us-east-1)' }),
  stack: Flags.string({ description: 'stack name: the prefix of every resource, so stacks can live side by side', default: 'booksim' }),
};
