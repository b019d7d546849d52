import { describe, expect, it } from 'vitest';
import { BooksimError, ExitCode } from '../../src/errors.js';
import { sagaStepNamed } from '../../src/verify/saga-steps.js';
import { scaledLatencyMs, sloExpressions, sloPresetsOf, sloThresholds } from '../../src/verify/slo-presets.js';

function thrown(run: () => unknown): BooksimError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BooksimError);
    return error as BooksimError;
  }
  throw new Error('nothing was thrown');
}

describe('SLO presets', () => {
  it('when the preset is design at the realistic profile, it is the design own figures: VIP 2 min, standard 5 min, success above 99 %, reserve failures below 5 %', () => {
    expect(sloExpressions('design', 'realistic')).toEqual(['vip.decision.p99<120000', 'standard.decision.p99<300000', 'saga.success_rate>0.99', 'reserve.failure_rate<0.05']);
  });

  it('when the run is on the fast profile, the latency limits scale by the worst case of each tier path through the saga', () => {
    // Fast: the VIP path's worst case is 224 s of the realistic 2,937 s; the standard path's 273 s of 3,678 s.
    expect(scaledLatencyMs('fast', 'VIP', 120_000)).toBe(Math.round((120_000 * 224) / 2937));
    expect(scaledLatencyMs('fast', 'STANDARD', 300_000)).toBe(Math.round((300_000 * 273) / 3678));
    expect(scaledLatencyMs('realistic', 'VIP', 120_000)).toBe(120_000);
    expect(sloExpressions('design', 'fast')).toEqual(['vip.decision.p99<9152', 'standard.decision.p99<22268', 'saga.success_rate>0.99', 'reserve.failure_rate<0.05']);
  });

  it('when expanded for a run, each threshold is parsed and remembers its preset', () => {
    const thresholds = sloThresholds(['design'], 'fast', 'run-1');
    expect(thresholds.map((t) => [t.expression, t.slo])).toEqual(sloExpressions('design', 'fast').map((expression) => [expression, 'design']));
    expect(thresholds[0]).toMatchObject({ metric: 'vip.decision', statistic: 'p99', operator: '<', limit: 9152, unit: 'ms' });
    expect(thresholds[2]).toMatchObject({ metric: 'saga.success_rate', operator: '>', limit: 0.99, unit: 'ratio' });
    expect(sloThresholds([], undefined, 'run-1')).toEqual([]);
  });

  it('when named in any case, it is known; an unknown one is a usage error naming the known presets', () => {
    expect(sloPresetsOf(['Design', 'design'])).toEqual(['design', 'design']);
    const error = thrown(() => sloPresetsOf(['strict']));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toBe('unknown SLO preset "strict" (known: design)');
    expect(error.suggestions[0]).toMatch(/^--slo design: /);
  });

  it('when the run does not name a profile booksim knows, a preset is a usage error that shows the thresholds to give instead', () => {
    expect(thrown(() => sloThresholds(['design'], undefined, 'run-1')).message).toMatch(/run run-1 does not name its timing profile/);
    const error = thrown(() => sloThresholds(['design'], 'turbo', 'run-1'));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toMatch(/unknown timing profile "turbo"/);
    expect(error.suggestions[0]).toContain('vip.decision.p99<120000');
  });
});

describe('saga steps as thresholds name them', () => {
  it('when the name is short, it is the activity on every path that runs it; a state name is that state alone', () => {
    expect(sagaStepNamed('reserve')).toEqual({ states: ['FastReserveSeat', 'ReserveSeat'], label: 'FastReserveSeat and ReserveSeat' });
    expect(sagaStepNamed('ISSUE')).toEqual({ states: ['IssueTicket'], label: 'IssueTicket' });
    expect(sagaStepNamed('reserveseat')).toEqual({ states: ['ReserveSeat'], label: 'ReserveSeat' });
    expect(sagaStepNamed('EscalateRelease')).toEqual({ states: ['EscalateRelease'], label: 'EscalateRelease' });
    expect(sagaStepNamed('escalate')).toBeUndefined();
    expect(sagaStepNamed('saga')).toBeUndefined();
  });
});
