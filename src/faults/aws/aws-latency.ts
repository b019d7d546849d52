import type { FaultPackage } from '../package.js';
import { defaultLatencyMs } from './proxy.js';
import { awsFault, awsFaultParams } from './rules.js';

export const awsLatency: FaultPackage<'aws-latency'> = {
  name: 'aws-latency',
  summary: `${awsFaultParams}: held \`ms\` (${defaultLatencyMs}) before they are forwarded`,
  parse: (reader) => awsFault('aws-latency', reader, { latencyMs: reader.durationMs('ms', defaultLatencyMs) }),
};
