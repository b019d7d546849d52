import { describe, expect, it } from 'vitest';
import { bookingFromItem, bookingToItem } from '../../src/functions/bookings.js';
import { ticketIdOf, ticketToItem } from '../../src/functions/saga/issue-ticket.js';
import { seatFromItem, seatToItem } from '../../src/functions/seats.js';
import type { Booking } from '../../src/model/booking.js';

describe('table items', () => {
  it('when a booking is written as an item and read back, it is the same booking, optional fields included or not', () => {
    const booking: Booking = { bookingId: 'B1', seatId: 'S1', customerId: 'c1', requestId: 'r1', tier: 'VIP', amount: 4200, status: 'CONFIRMED', createdAt: 1, updatedAt: 2, sequence: '12345678901234567890', decidedAt: 3, reason: 'sold' };
    expect(bookingFromItem(bookingToItem(booking))).toEqual(booking);
    const { sequence: _s, decidedAt: _d, reason: _r, ...bare } = booking;
    expect(bookingFromItem(bookingToItem(bare))).toEqual(bare);
  });

  it('when a seat is written as an item and read back, it is the same seat; a free seat has no holder and no seen set (DynamoDB refuses an empty set)', () => {
    const sold = { seatId: 'S1', holder: 'B1', line: ['B2', 'B3'], sold: true, seen: ['B1', 'B2', 'B3'] };
    expect(seatFromItem('S1', seatToItem(sold))).toEqual(sold);
    const free = { seatId: 'S2', line: [], sold: false, seen: [] };
    expect(seatToItem(free)).toEqual({ seatId: { S: 'S2' }, line: { L: [] }, sold: { BOOL: false } });
    expect(seatFromItem('S2', seatToItem(free))).toEqual(free);
  });

  it('when a ticket is written as an item, its id names its booking', () => {
    expect(ticketToItem({ bookingId: 'B1', ticketId: ticketIdOf('B1'), seatId: 'S1', issuedAt: 5 })).toEqual({ bookingId: { S: 'B1' }, ticketId: { S: 'tk_B1' }, seatId: { S: 'S1' }, issuedAt: { N: '5' } });
  });
});
