import { compensationComplete } from './compensation-complete.js';
import { exactlyOnceEffects } from './exactly-once-effects.js';
import { firstComeFirstServed } from './first-come-first-served.js';
import { noDoubleBooking } from './no-double-booking.js';
import { noLimbo } from './no-limbo.js';
import { nothingLost } from './nothing-lost.js';
import { paymentOnlyForHolder } from './payment-only-for-holder.js';
import { reassignment } from './reassignment.js';
import type { DescribedChecker } from './result.js';

/** The invariants of docs/design.md, Invariants, in their order (1–8); each pure, each naming itself in `describe`. */
export const invariantCheckers: DescribedChecker[] = [
  noDoubleBooking,
  firstComeFirstServed,
  paymentOnlyForHolder,
  reassignment,
  exactlyOnceEffects,
  nothingLost,
  noLimbo,
  compensationComplete,
];

export type { DescribedChecker, InvariantSpec } from './result.js';
