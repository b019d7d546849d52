import { handleInventory } from './inventory.js';
import type { FunctionRegistry } from './model.js';
import { handlePayment } from './payment.js';
import { issueTicket } from './saga/issue-ticket.js';
import { notify } from './saga/notify.js';
import { refundPayment } from './saga/refund-payment.js';
import { releaseSeat } from './saga/release-seat.js';
import { reserveSeat } from './saga/reserve-seat.js';
import { validatePayment } from './saga/validate-payment.js';

/** Every function of the system under test, by the name the runtime hosts it under. */
export const functionRegistry: FunctionRegistry = {
  queues: { inventory: handleInventory, payment: handlePayment },
  activities: {
    ValidatePayment: validatePayment,
    ReserveSeat: reserveSeat,
    IssueTicket: issueTicket,
    Notify: notify,
    RefundPayment: refundPayment,
    ReleaseSeat: releaseSeat,
  },
};
