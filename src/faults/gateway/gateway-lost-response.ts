import type { FaultPackage } from '../package.js';
import { appliedOf, kindsOf } from './rules.js';

export const gatewayLostResponse: FaultPackage<'gateway-lost-response'> = {
  name: 'gateway-lost-response',
  summary: '`rate` (0.1) of requests never answered, `on` (charge), `applied` true|false|random (true: the charge happened, the response was lost)',
  parse: (reader) => {
    const kinds = kindsOf(reader, 'charge');
    const applied = appliedOf(reader, 'true');
    const probability = reader.probability('rate', 0.1);
    return {
      window: reader.window(),
      start: (rules) => rules.add({ fault: 'gateway-lost-response', probability, kinds, inject: (random) => ({ type: 'hang', applied: applied(random) }), action: 'lost the response' }),
    };
  },
};
