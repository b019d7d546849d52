import { sabotageCatalog, type Sabotage, type SabotageEntry, type SabotageExposure } from '../model/sabotage.js';

/** An exposure and the sabotages it exposes: one clean control run serves them all. */
export interface ExposureGroup {
  exposure: SabotageExposure;
  sabotages: Sabotage[];
  label: string;
}

/** The exposure in a few words: `heartbeat-crash + worker-crash:function=inventory on fifo-fanout`. */
export function exposureLabel(exposure: SabotageExposure): string {
  const parts = [...(exposure.scenario === undefined ? [] : [exposure.scenario]), ...exposure.faults];
  return `${parts.join(' + ') || 'no faults'} on ${exposure.topology}`;
}

/** Two exposures are one when every field is the same (key order aside). */
function exposureKey(exposure: SabotageExposure): string {
  const sorted = (value: unknown): unknown =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sorted(v)]))
      : value;
  return JSON.stringify(sorted(exposure));
}

/** The exposures of the given sabotages (in `catalog`, booksim's by default), each once, in the order their first sabotage comes. */
export function exposureGroups(sabotages: readonly Sabotage[], catalog: Record<Sabotage, Pick<SabotageEntry, 'exposure'>> = sabotageCatalog): ExposureGroup[] {
  const groups = new Map<string, ExposureGroup>();
  for (const sabotage of sabotages) {
    const { exposure } = catalog[sabotage];
    const key = exposureKey(exposure);
    const group = groups.get(key);
    if (group) group.sabotages.push(sabotage);
    else groups.set(key, { exposure, sabotages: [sabotage], label: exposureLabel(exposure) });
  }
  return [...groups.values()];
}
