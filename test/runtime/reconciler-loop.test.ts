import { describe, expect, it } from 'vitest';
import { stackNames } from '../../src/deploy/stack.js';
import type { FunctionContext } from '../../src/functions/model.js';
import type { ReconcileReport } from '../../src/functions/reconciler.js';
import { runReconciler } from '../../src/runtime/reconciler-loop.js';
import type { RuntimeLog } from '../../src/runtime/runtime-log.js';
import { useFreshStacks } from '../storm/fresh-stack.js';

describe('the reconciler loop', () => {
  const { deployed } = useFreshStacks('recloop');
  const loopOptions = { intervalMs: 20, stuckAfterMs: 5000, maxAttempts: 3 };

  it('when passes succeed, it reports each until the signal aborts, then resolves', async () => {
    const ctx = await deployed();
    const controller = new AbortController();
    const reports: ReconcileReport[] = [];
    const logs: RuntimeLog[] = [];
    const loop = runReconciler({ ctx, ...loopOptions, signal: controller.signal, onReport: (report) => reports.push(report), log: (entry) => logs.push(entry) });
    await expect.poll(() => reports.length).toBeGreaterThanOrEqual(2);
    controller.abort();
    await loop;
    const passes = reports.length;
    expect(reports[0]).toEqual({ restarted: [], refunded: [], gaveUp: [], waiting: 0 });
    expect(logs).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, loopOptions.intervalMs * 3));
    expect(reports).toHaveLength(passes);
  });

  it('when a pass fails, it logs handler-failed and runs the next pass', async () => {
    const ctx = await deployed();
    // A stack that is not deployed: the bookings table's index cannot be read.
    const broken: FunctionContext = { ...ctx, resources: { ...ctx.resources, names: stackNames('recloop-missing') } };
    const controller = new AbortController();
    const logs: RuntimeLog[] = [];
    const loop = runReconciler({ ctx: broken, ...loopOptions, signal: controller.signal, log: (entry) => logs.push(entry) });
    await expect.poll(() => logs.length).toBeGreaterThanOrEqual(2);
    controller.abort();
    await loop;
    expect(logs[0]).toEqual({ kind: 'handler-failed', message: expect.stringMatching(/^reconciler pass failed: ResourceNotFoundException/) });
  });
});
