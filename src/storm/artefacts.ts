import type { LoadResult } from '../load/run-load.js';
import type { FaultLogEntry } from '../model/fault.js';
import type { PriceTable } from '../model/pricing.js';
import type { QuiescenceSnapshot, StormSummary } from '../model/run.js';
import type { RunDir } from '../run-dir/location.js';
import { runFormat, type RunHistograms, type RunJson, type SamplesJson, type StormCpu } from '../run-dir/schema.js';
import type { CallCounts } from '../runtime/call-counter.js';
import type { DecisionSummary } from './decisions.js';

/** What a finished storm leaves in its run directory, besides the ledger and the worker log written as it ran. */
export interface StormFiles {
  config: RunJson['config'];
  topology: string;
  /** Epoch ms. */
  loadStartedAt: number;
  summary: StormSummary;
  calls: CallCounts;
  cpu: StormCpu;
  lastSettleSnapshot: QuiescenceSnapshot;
  load: LoadResult;
  decisions: DecisionSummary;
  /** Per saga state, its wait, work, backoff and time-in-state histograms (./saga-steps.ts); empty when no execution was read. */
  sagaSteps: NonNullable<RunHistograms['sagaSteps']>;
  faults: FaultLogEntry[];
  samples: SamplesJson;
  /** The price table the summary's cost was worked out with: kept so that the cost is reproducible from the run directory alone. */
  pricing: PriceTable;
}

/** Writes a finished storm's files through the run directory's schema (src/run-dir/schema.ts): run.json, the request log, histograms, the fault log, samples and decisions. */
export async function writeStormFiles(run: RunDir, files: StormFiles): Promise<void> {
  const { load, decisions } = files;
  await run.write('run.json', {
    format: runFormat,
    config: files.config,
    topology: files.topology,
    startedAt: new Date(files.loadStartedAt).toISOString(),
    versions: { booksim: process.env.npm_package_version ?? 'dev', node: process.version },
    summary: files.summary,
    awsCalls: files.calls,
    cpu: files.cpu,
    lastSettleSnapshot: files.lastSettleSnapshot,
  });
  await run.write('requests.json', load.requests);
  await run.write('histograms.json', {
    unit: 'microseconds, hdr-histogram-js compressed base64',
    apiLatency: load.latencyHistogram,
    timeToDecision: decisions.timeToDecision.all.histogram,
    timeToDecisionByTier: { VIP: decisions.timeToDecision.byTier.VIP.histogram, STANDARD: decisions.timeToDecision.byTier.STANDARD.histogram },
    ...(Object.keys(files.sagaSteps).length > 0 ? { sagaSteps: files.sagaSteps } : {}),
  });
  await run.write('faults.json', files.faults);
  await run.write('samples.json', files.samples);
  await run.write('decisions.json', decisions.records);
  await run.write('pricing.json', files.pricing);
}
