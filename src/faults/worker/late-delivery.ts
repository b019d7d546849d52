import type { FaultPackage } from '../package.js';

export const lateDelivery: FaultPackage<'late-delivery'> = {
  name: 'late-delivery',
  summary: '`rate` (0.2) of queue messages a worker sits on for `ms` (1000) before handling them, as a standard queue may deliver late (a FIFO group waits with its message)',
  parse: (reader) => {
    const lateDelivery = { rate: reader.probability('rate', 0.2), ms: reader.durationMs('ms', 1000) };
    return { window: reader.window(), start: (host) => host.set({ lateDelivery }) };
  },
};
