import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['20s', 20_000],
    ['1.5m', 90_000],
    ['1h', 3_600_000],
    ['30', 30_000],
  ])('when given %j, it reads %i ms', (text, ms) => {
    expect(parseDuration(text, '--duration')).toBe(ms);
  });

  it.each(['', 'soon', '-5s', '0s', '10 parsecs'])('when given %j, it is a usage error naming the flag', (text) => {
    expect(() => parseDuration(text, '--duration')).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringContaining('--duration') }));
  });
});
