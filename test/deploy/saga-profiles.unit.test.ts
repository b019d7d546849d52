import { describe, expect, it } from 'vitest';
import { timingProfile, timingProfiles } from '../../src/deploy/saga-profiles.js';
import { stackNames } from '../../src/deploy/stack.js';
import { deployFlags } from '../../src/cli/flags.js';

describe('the timing profiles', () => {
  // A crashed inventory worker's message comes back only after the queue's visibility
  // timeout; the payment message of the same booking waits for it, given back once per
  // hold. Found by the ack-before-work control: with 5 × 5 s holds (fast), a crash sent
  // those payment messages to the DLQ and lost their bookings, with every safeguard on.
  it.each(timingProfiles)('the %s profile holds a payment message waiting for its placement longer, over the default receives, than an inventory message stays invisible', (name) => {
    const receives = deployFlags['max-receive-count'].default as number;
    const inventory = stackNames('s').streamQueues.find((queue) => queue.functions.includes('inventory'))!;
    expect(receives * timingProfile(name).retryHoldSeconds).toBeGreaterThan(inventory.visibilityTimeoutSeconds);
  });
});
