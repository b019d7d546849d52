import type { FaultPackage } from '../package.js';
import { awsFault, awsFaultParams } from './rules.js';

export const awsError: FaultPackage<'aws-error'> = {
  name: 'aws-error',
  summary: `${awsFaultParams}: answered 5xx (InternalServerError, ServiceUnavailable) without effect`,
  parse: (reader) => awsFault('aws-error', reader),
};
