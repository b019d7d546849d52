import type { LoadResult } from '../load/run-load.js';
import type { FaultLogEntry } from '../model/fault.js';
import type { QuiescenceSnapshot, StormSummary } from '../model/run.js';
import type { RunDir } from '../run-dir/location.js';
import { runFormat, type RunJson, type SamplesJson, type StormCpu } from '../run-dir/schema.js';
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
  faults: FaultLogEntry[];
  samples: SamplesJson;
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
  });
  await run.write('faults.json', files.faults);
  await run.write('samples.json', files.samples);
  await run.write('decisions.json', decisions.records);
}
