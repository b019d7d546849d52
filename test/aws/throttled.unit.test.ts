import { describe, expect, it } from 'vitest';
import { isThrottled, whileThrottled } from '../../src/aws/throttled.js';

const error = (name: string) => Object.assign(new Error(name), { name });

describe('asking again while throttled', () => {
  it('when a call is throttled, it waits 250 ms doubling up to 5 s and asks again until it answers', async () => {
    const waits: number[] = [];
    let calls = 0;
    const answer = await whileThrottled(
      async () => {
        calls += 1;
        if (calls <= 7) throw error(calls % 2 ? 'ThrottlingException' : 'RequestThrottled');
        return 'history';
      },
      60_000,
      async (ms) => void waits.push(ms),
    );
    expect(answer).toBe('history');
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('when the error is not a throttle, it passes through at once', async () => {
    const waits: number[] = [];
    await expect(whileThrottled(() => Promise.reject(error('ExecutionDoesNotExist')), 60_000, async (ms) => void waits.push(ms))).rejects.toThrow('ExecutionDoesNotExist');
    expect(waits).toEqual([]);
  });

  it('when it stays throttled past its patience, the throttle passes through', async () => {
    const waits: number[] = [];
    await expect(whileThrottled(() => Promise.reject(error('ThrottlingException')), 1000, async (ms) => void waits.push(ms))).rejects.toThrow('ThrottlingException');
    expect(waits).toEqual([250, 500, 1000]);
  });

  it('knows the throttling errors of SQS, SNS, DynamoDB and Step Functions', () => {
    for (const name of ['ThrottlingException', 'Throttling', 'RequestThrottled', 'ProvisionedThroughputExceededException']) expect(isThrottled(error(name))).toBe(true);
    expect(isThrottled(error('ValidationException'))).toBe(false);
    expect(isThrottled(undefined)).toBe(false);
  });
});
