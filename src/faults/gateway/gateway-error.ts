import type { FaultPackage } from '../package.js';
import { kindsOf } from './rules.js';

const errorStatuses = [500, 502, 503] as const;

export const gatewayError: FaultPackage<'gateway-error'> = {
  name: 'gateway-error',
  summary: '`rate` (0.1) of requests answered 500/502/503 without effect, `on` charge|refund|both (both)',
  parse: (reader) => {
    const kinds = kindsOf(reader, 'both');
    const probability = reader.probability('rate', 0.1);
    return {
      window: reader.window(),
      start: (rules) =>
        rules.add({
          fault: 'gateway-error',
          probability,
          kinds,
          inject: (random) => ({ type: 'error', status: errorStatuses[Math.floor(random() * errorStatuses.length)]! }),
          action: 'answered 5xx without effect',
        }),
    };
  },
};
