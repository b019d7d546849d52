import type { Clock } from '../clock.js';
import type { LedgerFile } from './ledger-file.js';

export type LedgerEntryType = 'charge' | 'refund' | 'decline' | 'error';
export type LedgerOutcome = 'captured' | 'refunded' | 'declined' | 'nothing_to_refund' | 'failed';

/**
 * One effect or refusal of the gateway. `error` entries record injected 5xx answers and
 * requests lost before they were applied (outcome `failed`, amount as requested);
 * `responseLost` marks an entry whose client never got an answer.
 */
export interface LedgerEntry {
  /** 1, 2, 3, … in the order the gateway applied them. */
  seq: number;
  /** ISO time on the gateway's clock. */
  at: string;
  type: LedgerEntryType;
  bookingId: string;
  idempotencyKey: string;
  /** Integer cents. */
  amount: number;
  outcome: LedgerOutcome;
  responseLost?: boolean;
}

export type NewLedgerEntry = Omit<LedgerEntry, 'seq' | 'at'>;

/** A booking's money as the ledger has it, in cents. */
export interface MoneyState {
  bookingId: string;
  captured: number;
  refunded: number;
  /** captured − refunded: what the customer paid in the end. */
  net: number;
}

/** The sums of a booking's captures and refunds among its ledger entries; zeros when it has none. */
export function moneyIn(bookingId: string, entries: readonly LedgerEntry[]): MoneyState {
  let captured = 0;
  let refunded = 0;
  for (const entry of entries) {
    if (entry.outcome === 'captured') captured += entry.amount;
    else if (entry.outcome === 'refunded') refunded += entry.amount;
  }
  return { bookingId, captured, refunded, net: captured - refunded };
}

/** The gateway's append-only ledger: the record invariants 3 and 5 are checked against. */
export class Ledger {
  private readonly entries: LedgerEntry[] = [];
  private readonly byBooking = new Map<string, LedgerEntry[]>();

  constructor(
    private readonly clock: Clock,
    private readonly file?: LedgerFile,
  ) {}

  /**
   * Numbers, timestamps and records an entry, writing it to the ledger file first: when
   * that write throws, the entry is not recorded and the caller must not apply it.
   */
  append(fields: NewLedgerEntry): LedgerEntry {
    const entry: LedgerEntry = { seq: this.entries.length + 1, at: new Date(this.clock.now()).toISOString(), ...fields };
    this.file?.append(entry);
    this.entries.push(entry);
    const booking = this.byBooking.get(entry.bookingId);
    if (booking) booking.push(entry);
    else this.byBooking.set(entry.bookingId, [entry]);
    return entry;
  }

  /** Every entry in order, as copies the caller may keep or change. */
  all(): LedgerEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  /** Sums of the booking's captures and refunds; zeros for a booking never seen. */
  money(bookingId: string): MoneyState {
    return moneyIn(bookingId, this.byBooking.get(bookingId) ?? []);
  }

  /** The booking's refund entry, if it has one (the gateway allows one per booking). */
  refundOf(bookingId: string): LedgerEntry | undefined {
    return this.byBooking.get(bookingId)?.find((e) => e.outcome === 'refunded');
  }

  /** Closes the ledger file, if any. */
  close(): void {
    this.file?.close();
  }
}
