import type { FaultLogEntry } from '../model/fault.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { DecisionRecord, RunFileContents, RunJson, SamplesJson } from './schema.js';
import type { VerifyReport } from '../model/verdict.js';
import { parseJson, readPart, readRunFiles, type RunFiles } from './read.js';

/** Everything the report reads from a run directory. Files a run may lack are undefined (older runs, a run never verified). */
export interface RunData extends RunFiles {
  run: RunJson;
  samples?: SamplesJson;
  decisions?: DecisionRecord[];
  verify?: VerifyReport;
  faultLog: FaultLogEntry[];
}

/** The parts of run.json's summary the report is built from: without them there is nothing to show. */
const reportedSummaryParts = ['settle', 'bookings', 'awsCalls'] as const;

/**
 * Reads a run directory for the report: what verify reads (request log, ledger,
 * histograms, fault log), run.json (required: without it there is no run to show),
 * samples.json, decisions.json and verify.json when present. A run directory without
 * run.json, or a file that is not JSON, is a BooksimError (exit 2).
 */
export async function readRunData(runDir: string): Promise<RunData> {
  const files = await readRunFiles(runDir);
  const [run, samples, decisions, verify] = await Promise.all([
    readJson(runDir, 'run.json'),
    readJson(runDir, 'samples.json'),
    readJson(runDir, 'decisions.json'),
    readJson(runDir, 'verify.json'),
  ]);
  if (run?.summary === undefined) {
    throw new BooksimError(`${runDir} has no run.json from \`booksim storm\`: there is no run to report on`, ExitCode.usage, ['Give a run id, `latest`, or the path of a directory `booksim storm` wrote.']);
  }
  const missing = reportedSummaryParts.find((part) => typeof (run.summary as unknown as Record<string, unknown>)[part] !== 'object');
  if (missing) {
    throw new BooksimError(`${runDir}/run.json has no summary.${missing}: it was written by an older booksim, or edited`, ExitCode.usage, [
      'Run the storm again with this booksim to report on it; `booksim verify --no-report` still checks it.',
    ]);
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

/** A JSON file of the run directory, as the schema says booksim wrote it, or undefined when it is missing. */
function readJson<N extends keyof RunFileContents>(runDir: string, name: N): Promise<RunFileContents[N] | undefined> {
  return readPart(runDir, name, (text, file) => parseJson(text, file) as RunFileContents[N]);
}
