import type { PlannedExposure } from '../pipeline/sabotage-matrix.js';
import { exposureGroups } from '../sabotage/exposures.js';
import type { Sabotage } from '../model/sabotage.js';
import { stormPlanOf } from './storm-flags.js';

/** What every run of the matrix shares: the seed and where and how the storms run. */
export interface MatrixStormSettings {
  seed: number;
  concurrency: number;
  reportsDir: string;
  pricing?: string | undefined;
}

/**
 * The exposures of the chosen sabotages, each with its storm planned as `booksim storm`
 * would plan it from the exposure's flags (scenario, faults, shape, load), so a bad
 * catalog entry is a usage error before anything starts. The plans carry no sabotage:
 * the matrix adds one per run.
 */
export function plannedExposures(sabotages: readonly Sabotage[], settings: MatrixStormSettings): PlannedExposure[] {
  return exposureGroups(sabotages).map((group) => {
    const { exposure } = group;
    const storm = stormPlanOf({
      seats: exposure.seats,
      rps: String(exposure.rps),
      bookings: exposure.bookings,
      ...(exposure.shape.contention !== undefined ? { contention: String(exposure.shape.contention) } : {}),
      ...(exposure.shape.duplicates !== undefined ? { duplicates: String(exposure.shape.duplicates) } : {}),
      ...(exposure.shape.vip !== undefined ? { vip: String(exposure.shape.vip) } : {}),
      ...(exposure.scenario !== undefined ? { scenario: exposure.scenario } : {}),
      fault: exposure.faults,
      sabotage: [],
      seed: settings.seed,
      'settle-timeout': `${exposure.settleTimeoutSeconds ?? 60}s`,
      concurrency: settings.concurrency,
      'reports-dir': settings.reportsDir,
      pricing: settings.pricing,
    });
    return { ...group, storm };
  });
}
