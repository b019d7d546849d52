/**
 * The booking system's data, as its functions and `verify` read it. Tables are the
 * stack's (src/deploy/stack.ts); amounts are integer cents.
 */

/**
 * `PENDING → HELD | WAITLISTED → CONFIRMED | REJECTED | PAYMENT_FAILED | ESCALATED` (docs/design.md, Booking states).
 * WAITLISTED is never stored: a waiting booking's row stays PENDING, and its place in
 * the seat's line (where the inventory function records its decision) makes it
 * WAITLISTED in `GET /bookings/:id`. Writing it would cost every rejected booking a call.
 */
export type BookingStatus = 'PENDING' | 'HELD' | 'WAITLISTED' | 'CONFIRMED' | 'REJECTED' | 'PAYMENT_FAILED' | 'ESCALATED';

/** States no booking leaves. */
export const finalStatuses: ReadonlySet<BookingStatus> = new Set(['CONFIRMED', 'REJECTED', 'PAYMENT_FAILED', 'ESCALATED']);

export type Tier = 'VIP' | 'STANDARD';

/** What a client asks for: `POST /bookings`. */
export interface BookingRequest {
  seatId: string;
  customerId: string;
  /** The client's id for this attempt: a retry carries the same one (SNS FIFO dedups by it). */
  requestId: string;
  tier: Tier;
  amount: number;
}

/** A row of the bookings table (key bookingId; GSIs bySeat: seatId + sequence, byStatus: status + bookingId). */
export interface Booking extends BookingRequest {
  bookingId: string;
  status: BookingStatus;
  /**
   * The payment queue's SequenceNumber for this booking, written with its decision: its
   * place in the seat's FIFO stream, the order the inventory queue placed it in too (a
   * decimal string of up to 20 digits, stored as N).
   */
  sequence?: string;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
  /** When the booking reached a final status. */
  decidedAt?: number;
  /** Why a booking failed or was escalated, in a sentence. */
  reason?: string;
}

/**
 * A row of the seats table (key seatId). `holder` is the booking that holds or bought the
 * seat; `line` the bookings placed behind it, in FIFO order (those rejected once the seat
 * was sold stay in it: see src/functions/seats.ts); `sold` once ReserveSeat confirmed the
 * holder. A seat with no holder is free.
 */
export interface Seat {
  seatId: string;
  holder?: string;
  line: string[];
  sold: boolean;
}

/** A row of the tickets table (key bookingId): at most one ticket per booking. */
export interface Ticket {
  bookingId: string;
  ticketId: string;
  seatId: string;
  issuedAt: number;
}

/** The message the booking API publishes to the bookings topic (group = seatId, dedup = requestId). */
export interface BookingMessage extends BookingRequest {
  bookingId: string;
}

/**
 * The saga's execution input (execution name = bookingId; `<bookingId>-r<n>` for the
 * reconciler's restarts, src/functions/reconciler.ts).
 */
export interface SagaInput extends BookingMessage {
  /**
   * Idempotency keys that replace the ones derived from the bookingId
   * (src/functions/gateway-client.ts). Only the reconciler sets them, and only under the
   * sabotage `new-key-on-retry`: a normal saga, restarted or not, never carries them.
   */
  chargeKey?: string;
  refundKey?: string;
}
