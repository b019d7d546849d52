import type { FaultPackage } from '../package.js';
import { awsFault, awsFaultParams } from './rules.js';

export const awsDrop: FaultPackage<'aws-drop'> = {
  name: 'aws-drop',
  summary: `${awsFaultParams}: the connection dropped before the call reaches the endpoint`,
  parse: (reader) => awsFault('aws-drop', reader),
};
