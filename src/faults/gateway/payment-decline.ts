import type { FaultPackage } from '../package.js';

export const paymentDecline: FaultPackage<'payment-decline'> = {
  name: 'payment-decline',
  summary: '`rate` (0.2) of charges declined',
  parse: (reader) => {
    const probability = reader.probability('rate', 0.2);
    return {
      window: reader.window(),
      start: (rules) => rules.add({ fault: 'payment-decline', probability, kinds: new Set(['charge']), inject: () => ({ type: 'decline', reason: 'card_declined' }), action: 'declined the charge' }),
    };
  },
};
