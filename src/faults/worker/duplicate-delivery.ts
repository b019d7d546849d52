import type { FaultPackage } from '../package.js';

export const duplicateDelivery: FaultPackage<'duplicate-delivery'> = {
  name: 'duplicate-delivery',
  summary: '`rate` (0.1) of deliveries (queue messages, activity tasks) handed to the handler twice',
  parse: (reader) => {
    const rate = reader.probability('rate', 0.1);
    return { window: reader.window(), start: (host) => host.set({ duplicateDeliveryRate: rate }) };
  },
};
