import { describe, expect, it } from 'vitest';
import { BooksimError } from '../src/errors.js';
import { eventOfRun, parseSeatId, seatIdOf, validateEventName } from '../src/event.js';

describe('events and their seat ids', () => {
  it('when a run names no event, its event is its run id made compact: the time and the random part', () => {
    expect(eventOfRun('2026-11-23T07-40-12Z-1f3a')).toBe('261123-074012-1f3a');
    expect(validateEventName(eventOfRun('2026-11-23T07-40-12Z-1f3a'))).toBe('261123-074012-1f3a');
  });

  it('when a seat id is made, it is the event, a slash and the seat number padded to four digits whatever the number of seats', () => {
    expect(seatIdOf('concert', 7)).toBe('concert/S0007');
    expect(seatIdOf('concert', 12345)).toBe('concert/S12345');
    expect(seatIdOf(undefined, 7)).toBe('S0007');
  });

  it('when a seat id is read, it gives back the event and the number; a seat from before events has no event', () => {
    expect(parseSeatId('261123-074012-1f3a/S0042')).toEqual({ event: '261123-074012-1f3a', number: 42 });
    expect(parseSeatId('S0042')).toEqual({ event: undefined, number: 42 });
    expect(parseSeatId('A1')).toEqual({ event: undefined, number: undefined });
  });

  it.each(['concert', 'Gala_2026.v2', 'a', 'x'.repeat(64)])('when the event name %s is given, it is accepted', (name) => {
    expect(validateEventName(name)).toBe(name);
  });

  it.each(['', 'two words', 'a/b', '-dash-first', 'é', 'x'.repeat(65), 'semi;colon'])('when the event name %j is given, it is refused as a usage error naming --event', (name) => {
    expect(() => validateEventName(name)).toThrow(BooksimError);
    expect(() => validateEventName(name)).toThrow(/^--event must be 1–64 letters, digits/);
    try {
      validateEventName(name);
    } catch (error) {
      expect((error as BooksimError).exitCode).toBe(2);
    }
  });
});
