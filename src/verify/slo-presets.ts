import type { ChoiceState } from '../model/asl.js';
import type { Tier } from '../model/booking.js';
import { sagaShape, timingProfiles, type TimingProfileName } from '../deploy/saga.js';
import { worstCaseSeconds } from '../deploy/saga-duration.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { Threshold } from '../model/verdict.js';
import { parseThreshold } from './thresholds.js';

/**
 * SLO presets (`--slo design`): named sets of thresholds, so that CI can ask "did we keep
 * the design's promises" without spelling them out. A preset's latency limits are stated
 * for the realistic profile and scaled to the run's profile, so a preset is expanded
 * once the run (and its profile) is read.
 */

interface SloPreset {
  description: string;
  /** The threshold expressions, given how a latency limit (ms, at the realistic profile) of a tier reads at the run's profile. */
  expressions(scaleMs: (tier: Tier, ms: number) => number): string[];
}

/**
 * The design's operator questions (issue 18): execution success above 99 %, an alert when
 * more than 5 % of orders fail at the reserve step (on either path), and p99 time to
 * decision within 2 minutes for VIP and 5 for standard bookings at the realistic profile.
 */
const design: SloPreset = {
  description: 'the design: VIP decision p99 < 2 min, standard < 5 min (realistic profile; scaled to the run\'s), saga success > 99 %, reserve failures < 5 %',
  expressions: (scale) => [
    `vip.decision.p99<${scale('VIP', 120_000)}`,
    `standard.decision.p99<${scale('STANDARD', 300_000)}`,
    'saga.success_rate>0.99',
    'reserve.failure_rate<0.05',
  ],
};

const presets: Readonly<Record<string, SloPreset>> = { design };

/** The preset names, for help and errors. */
export const sloPresetNames: readonly string[] = Object.keys(presets);

/** Checks preset names (as `--slo` gives them, case-insensitively); a usage error names the known ones. */
export function sloPresetsOf(names: string[]): string[] {
  return names.map((given) => {
    const name = given.trim().toLowerCase();
    if (!Object.hasOwn(presets, name)) {
      throw new BooksimError(`unknown SLO preset "${given}" (known: ${sloPresetNames.join(', ')})`, ExitCode.usage, sloPresetNames.map((known) => `--slo ${known}: ${presets[known]!.description}`));
    }
    return name;
  });
}

/**
 * The worst-case seconds of each tier's path through the saga in a profile: every attempt
 * timing out, every retry and back-off used, compensation included. The saga's first
 * state routes VIP bookings to its one choice (the fast path) and the others to its default.
 */
function worstCaseByTier(profile: TimingProfileName): Record<Tier, number> {
  const definition = sagaShape(profile);
  const route = definition.States[definition.StartAt] as ChoiceState;
  const from = (start: string) => worstCaseSeconds({ StartAt: start, States: definition.States });
  return { VIP: from(route.Choices[0]!.Next), STANDARD: from(route.Default!) };
}

/**
 * A latency limit stated for the realistic profile, for another profile: scaled by how much
 * longer or shorter the tier's worst-case path is there (fast: VIP 224 s of 2,937 s, so
 * 2 min becomes 9,152 ms; standard 273 s of 3,678 s, so 5 min becomes 22,268 ms), rounded to the ms.
 */
export function scaledLatencyMs(profile: TimingProfileName, tier: Tier, realisticMs: number): number {
  return Math.round((realisticMs * worstCaseByTier(profile)[tier]) / worstCaseByTier('realistic')[tier]);
}

/** The thresholds of the named presets (checked by {@link sloPresetsOf}) for a run of `profile`; each remembers its preset. */
export function sloThresholds(names: string[], profile: string | undefined, runId: string): Threshold[] {
  if (names.length === 0) return [];
  const known = timingProfiles.find((name) => name === profile);
  if (known === undefined) {
    throw new BooksimError(
      `run ${runId} ${profile === undefined ? 'does not name its timing profile' : `ran the unknown timing profile "${profile}"`} (run.json summary.profile): --slo scales its latency limits to it`,
      ExitCode.usage,
      [`Give the thresholds with --threshold instead; the design's at the realistic profile: ${sloExpressions('design', 'realistic').join(' ')}`],
    );
  }
  return names.flatMap((name) => sloExpressions(name, known).map((expression) => ({ ...parseThreshold(expression), slo: name })));
}

/** The expressions a preset expands to at a profile. */
export function sloExpressions(name: string, profile: TimingProfileName): string[] {
  return presets[name]!.expressions((tier, ms) => scaledLatencyMs(profile, tier, ms));
}
