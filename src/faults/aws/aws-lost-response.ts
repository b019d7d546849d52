import type { FaultPackage } from '../package.js';
import { awsFault, awsFaultParams } from './rules.js';

export const awsLostResponse: FaultPackage<'aws-lost-response'> = {
  name: 'aws-lost-response',
  summary: `${awsFaultParams}: applied by the endpoint, then the connection dropped before the answer`,
  parse: (reader) => awsFault('aws-lost-response', reader),
};
