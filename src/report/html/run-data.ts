import type { FaultLogEntry } from '../../model/fault.js';
import { BooksimError, ExitCode } from '../../errors.js';
import type { StormSummary } from '../../model/run.js';
import type { DecisionRecord } from '../../storm/decisions.js';
import type { SystemSample } from '../../storm/sampler.js';
import type { VerifyReport } from '../../model/verdict.js';
import { parseJson, readPart, readRunFiles, type RunFiles } from '../../verify/run-files.js';

/** run.json as `booksim storm` writes it; the fields the report reads. */
export interface RunJson {
  config: { stack: string; endpoint: string; shape: { seed: number; seats: number; rps: number; durationMs?: number; bookings?: number } };
  topology?: string;
  /** ISO time the load started (runs before the report existed lack it). */
  startedAt?: string;
  versions?: Record<string, string>;
  summary: StormSummary;
}

/** samples.json. */
export interface SamplesJson {
  loadStartedAt: string;
  loadEndMs: number;
  settleEndMs: number;
  samples: SystemSample[];
}

/** Everything the report reads from a run directory. Files a run may lack are undefined (older runs, a run never verified). */
export interface RunData extends RunFiles {
  run: RunJson;
  samples?: SamplesJson;
  decisions?: DecisionRecord[];
  verify?: VerifyReport;
  faultLog: FaultLogEntry[];
}

/**
 * Reads a run directory for the report: what verify reads (request log, ledger,
 * histograms, fault log), run.json (required: without it there is no run to show),
 * samples.json, decisions.json and verify.json when present. A run directory without
 * run.json, or a file that is not JSON, is a BooksimError (exit 2).
 */
export async function readRunData(runDir: string): Promise<RunData> {
  const files = await readRunFiles(runDir);
  const [run, samples, decisions, verify] = await Promise.all([
    readJson<RunJson>(runDir, 'run.json'),
    readJson<SamplesJson>(runDir, 'samples.json'),
    readJson<DecisionRecord[]>(runDir, 'decisions.json'),
    readJson<VerifyReport>(runDir, 'verify.json'),
  ]);
  if (run?.summary === undefined) {
    throw new BooksimError(`${runDir} has no run.json from \`booksim storm\`: there is no run to report on`, ExitCode.usage, ['Give a run id, `latest`, or the path of a directory `booksim storm` wrote.']);
  }
  return {
    ...files,
    run,
    ...(samples ? { samples } : {}),
    ...(decisions ? { decisions } : {}),
    ...(verify ? { verify } : {}),
    faultLog: (files.faults ?? []) as FaultLogEntry[],
  };
}

/** A JSON file of the run directory, as written (booksim wrote it), or undefined when it is missing. */
function readJson<T>(runDir: string, name: string): Promise<T | undefined> {
  return readPart(runDir, name, (text, file) => parseJson(text, file) as T);
}
