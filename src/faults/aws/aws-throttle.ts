import type { FaultPackage } from '../package.js';
import { awsFault, awsFaultParams } from './rules.js';

export const awsThrottle: FaultPackage<'aws-throttle'> = {
  name: 'aws-throttle',
  summary: `${awsFaultParams}: throttled in the service's wire format (ThrottlingException, RequestThrottled, ProvisionedThroughputExceededException, Throttling)`,
  parse: (reader) => awsFault('aws-throttle', reader),
};
