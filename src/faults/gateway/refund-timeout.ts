import type { FaultPackage } from '../package.js';
import { appliedOf } from './rules.js';

/** How long refunds hang when `for` is not given: longer than the saga's refund retries, so bookings escalate. */
const refundTimeoutForMs = 15_000;

export const refundTimeout: FaultPackage<'refund-timeout'> = {
  name: 'refund-timeout',
  summary: '`rate` (1) of refunds hang past the task timeout while the window lasts (`for` 15s: longer than the refund retries, so bookings escalate), `applied` (false)',
  parse: (reader) => {
    const applied = appliedOf(reader, 'false');
    const probability = reader.probability('rate', 1);
    return {
      window: reader.window(refundTimeoutForMs),
      start: (rules) => rules.add({ fault: 'refund-timeout', probability, kinds: new Set(['refund']), inject: (random) => ({ type: 'hang', applied: applied(random) }), action: 'hung the refund' }),
    };
  },
};
