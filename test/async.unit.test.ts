import { describe, expect, it } from 'vitest';
import { teardown } from '../src/async.js';

describe('teardown', () => {
  it('runs its steps last added first, each once, however often it is run', async () => {
    const ran: string[] = [];
    const step = (name: string) => async () => void ran.push(name);
    const started = teardown(step('clients'));
    started.push(step('gateway'));
    started.push(step('workers'));
    await started.run();
    await started.run();
    expect(ran).toEqual(['workers', 'gateway', 'clients']);
  });
});
