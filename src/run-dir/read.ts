import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parsePriceTable } from '../cost/pricing.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { LedgerEntry } from '../gateway/ledger.js';
import type { RequestLogEntry } from '../load/run-load.js';
import type { StormSummary } from '../model/run.js';
import type { PlanIdentity } from '../model/plan.js';
import type { PriceTable } from '../model/pricing.js';
import { runFormat, type RunHistograms } from './schema.js';

/** What `verify` reads from a run directory (docs/design.md, Run artefacts). A part whose file is missing is undefined. */
export interface RunFiles {
  /** run.json's summary.runId, else the directory's name. */
  runId: string;
  /** run.json's summary.settle.settled: whether the storm saw the system settle. */
  settled?: boolean;
  /** run.json's config.stack. */
  stack?: string;
  /** run.json's summary.endpoint. */
  endpoint?: string;
  /** run.json's topology (runs before topologies existed were fifo-fanout). */
  topology?: string;
  /** run.json's summary.event: the event whose seats the run sold (runs before events have none). */
  event?: string;
  /** run.json's config.plan: the plan a shard (`storm --shard`) sent its part of, or a merged run joins. */
  plan?: PlanIdentity;
  /** run.json's summary, as written: older runs lack newer parts, and only the fields above are checked (thresholds check what they read). */
  summary?: StormSummary;
  /** ledger.jsonl: the gateway's ledger, in the order written. */
  ledger?: LedgerEntry[];
  /** requests.json: the request log. */
  requests?: RequestLogEntry[];
  /** histograms.json. */
  histograms?: RunHistograms;
  /** faults.json: the fault log, as written (its entries are not read here). */
  faults?: unknown[];
}

/**
 * Reads a run directory's run.json, ledger.jsonl, requests.json, histograms.json and
 * faults.json. A missing file leaves its part undefined (the checkers that need it then
 * answer unknown). A file that is there but not what `booksim storm` writes, and a
 * directory that is not there, are BooksimErrors with exit code 2: the input is bad,
 * which says nothing of the system, unlike 1 (violated) or 3 (a run that did not record
 * enough to decide). Only the fields the checkers rely on are checked.
 */
export async function readRunFiles(runDir: string): Promise<RunFiles> {
  await mustBeDirectory(runDir);
  const [run, ledger, requests, histograms, faults] = await Promise.all([
    readPart(runDir, 'run.json', (text, file) => runJson(parseJson(text, file), file)),
    readPart(runDir, 'ledger.jsonl', ledgerLines),
    readPart(runDir, 'requests.json', (text, file) => requestLog(parseJson(text, file), file)),
    readPart(runDir, 'histograms.json', (text, file) => histogramsJson(parseJson(text, file), file)),
    readPart(runDir, 'faults.json', (text, file) => arrayOf(parseJson(text, file), file, (entry) => entry)),
  ]);
  return {
    runId: run?.runId ?? basename(runDir),
    ...(run?.settled !== undefined ? { settled: run.settled } : {}),
    ...(run?.stack !== undefined ? { stack: run.stack } : {}),
    ...(run?.endpoint !== undefined ? { endpoint: run.endpoint } : {}),
    ...(run?.topology !== undefined ? { topology: run.topology } : {}),
    ...(run?.event !== undefined ? { event: run.event } : {}),
    ...(run?.summary !== undefined ? { summary: run.summary } : {}),
    ...(run?.plan !== undefined ? { plan: run.plan } : {}),
    ...(ledger ? { ledger } : {}),
    ...(requests ? { requests } : {}),
    ...(histograms ? { histograms } : {}),
    ...(faults ? { faults } : {}),
  };
}

/**
 * The price table a run's cost was worked out with (pricing.json), checked as `--pricing`
 * checks one; undefined for a run made before cost. With run.json's summary.usage it gives
 * summary.cost again (src/cost/cost.ts costSummary): the cost is reproducible from the run
 * directory alone.
 */
export async function readRunPricing(runDir: string): Promise<PriceTable | undefined> {
  await mustBeDirectory(runDir);
  return readPart(runDir, 'pricing.json', (text, file) => parsePriceTable(parseJson(text, file), file));
}

async function mustBeDirectory(runDir: string): Promise<void> {
  const isDirectory = await stat(runDir).then(
    (info) => info.isDirectory(),
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return false;
      throw error;
    },
  );
  if (!isDirectory) throw new BooksimError(`run directory ${runDir} does not exist`, ExitCode.usage, ['Give a run id, `latest`, or the path of a directory `booksim storm` wrote.']);
}

/** A file's text parsed by `parse`, or undefined when the file does not exist. */
export async function readPart<T>(runDir: string, name: string, parse: (text: string, file: string) => T): Promise<T | undefined> {
  const file = join(runDir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parse(text, file);
}

/** The error for a file that is there but wrong; `what` says what is wrong, and where. */
function malformed(file: string, what: string): BooksimError {
  return new BooksimError(`${file} is malformed: ${what}`, ExitCode.usage, [
    'Run files are written by `booksim storm`: record the run again, or move the file away to verify without it (what needs it is then unknown).',
  ]);
}

export function parseJson(text: string, file: string, where = 'not JSON'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw malformed(file, `${where} (${(error as Error).message})`);
  }
}

type Json = Record<string, unknown>;
interface Kinds {
  string: string;
  number: number;
  boolean: boolean;
  object: Json;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `value[name]`, checked to be of `kind` (an object: a plain one), or undefined when absent
 * and not `required`. `where` prefixes the field in the error ("line 3: ", "summary.").
 */
function field<K extends keyof Kinds>(value: Json, name: string, kind: K, context: { file: string; where?: string; required?: boolean }): Kinds[K] | undefined {
  const found = value[name];
  const where = context.where ?? '';
  if (found === undefined || found === null) {
    if (context.required) throw malformed(context.file, `${where}${name} is missing`);
    return undefined;
  }
  if (kind === 'object' ? !isObject(found) : typeof found !== kind) throw malformed(context.file, `${where}${name} is not a${kind === 'object' ? 'n' : ''} ${kind}`);
  return found as Kinds[K];
}

/** The object without its undefined fields. */
const defined = <T extends object>(value: T): Partial<T> => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

function objectAt(value: unknown, file: string, where: string): Json {
  if (!isObject(value)) throw malformed(file, `${where}not a JSON object`);
  return value;
}

function arrayOf<T>(value: unknown, file: string, entry: (value: unknown, where: string) => T): T[] {
  if (!Array.isArray(value)) throw malformed(file, 'not a JSON array');
  return value.map((item, i) => entry(item, `entry ${i + 1}: `));
}

function runJson(value: unknown, file: string): { runId?: string; settled?: boolean; stack?: string; endpoint?: string; topology?: string; event?: string; summary?: StormSummary; plan?: PlanIdentity } {
  const run = objectAt(value, file, '');
  const format = field(run, 'format', 'number', { file });
  if (format !== undefined && format > runFormat) {
    throw new BooksimError(`${file} is run format ${format}, and this booksim reads formats up to ${runFormat}`, ExitCode.usage, ['Read the run with the booksim that recorded it, or a newer one.']);
  }
  const summary = field(run, 'summary', 'object', { file });
  const config = field(run, 'config', 'object', { file });
  const settle = summary && field(summary, 'settle', 'object', { file, where: 'summary.' });
  const values = {
    runId: summary && field(summary, 'runId', 'string', { file, where: 'summary.' }),
    settled: settle && field(settle, 'settled', 'boolean', { file, where: 'summary.settle.' }),
    stack: config && field(config, 'stack', 'string', { file, where: 'config.' }),
    endpoint: summary && field(summary, 'endpoint', 'string', { file, where: 'summary.' }),
    topology: field(run, 'topology', 'string', { file }),
    event: summary && field(summary, 'event', 'string', { file, where: 'summary.' }),
    summary: summary as StormSummary | undefined,
    plan: config && (field(config, 'plan', 'object', { file, where: 'config.' }) as PlanIdentity | undefined),
  };
  return defined(values);
}

const ledgerTypes = new Set(['charge', 'refund', 'decline', 'error']);
const ledgerOutcomes = new Set(['captured', 'refunded', 'declined', 'nothing_to_refund', 'failed']);

/** Checks that `entry` has each field of `required`, and any of `optional` it has, of the kind named. */
function checkFields(entry: Json, fields: { required: Record<string, keyof Kinds>; optional: Record<string, keyof Kinds> }, file: string, where: string): void {
  for (const [name, kind] of Object.entries(fields.required)) field(entry, name, kind, { file, where, required: true });
  for (const [name, kind] of Object.entries(fields.optional)) field(entry, name, kind, { file, where });
}

const ledgerFields = {
  required: { seq: 'number', at: 'string', type: 'string', bookingId: 'string', idempotencyKey: 'string', amount: 'number', outcome: 'string' },
  optional: { responseLost: 'boolean' },
} as const;

/** One JSON object per line; blank lines (the last newline) are skipped. */
function ledgerLines(text: string, file: string): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `line ${i + 1}: `;
    const entry = objectAt(parseJson(line, file, `line ${i + 1} is not JSON`), file, where);
    checkFields(entry, ledgerFields, file, where);
    if (!ledgerTypes.has(entry.type as string)) throw malformed(file, `${where}type "${String(entry.type)}" is none of ${[...ledgerTypes].join(', ')}`);
    if (!ledgerOutcomes.has(entry.outcome as string)) throw malformed(file, `${where}outcome "${String(entry.outcome)}" is none of ${[...ledgerOutcomes].join(', ')}`);
    entries.push(entry as unknown as LedgerEntry);
  });
  return entries;
}

const requestFields = {
  required: { index: 'number', requestId: 'string', seatId: 'string', intendedAt: 'number', status: 'number' },
  optional: { bookingId: 'string' },
} as const;

function requestLog(value: unknown, file: string): RequestLogEntry[] {
  return arrayOf(value, file, (item, where) => {
    const entry = objectAt(item, file, where);
    checkFields(entry, requestFields, file, where);
    return entry as unknown as RequestLogEntry;
  });
}

function histogramsJson(value: unknown, file: string): RunHistograms {
  const histograms = objectAt(value, file, '');
  const byTier = field(histograms, 'timeToDecisionByTier', 'object', { file });
  return defined({
    apiLatency: field(histograms, 'apiLatency', 'string', { file }),
    timeToDecision: field(histograms, 'timeToDecision', 'string', { file }),
    timeToDecisionByTier:
      byTier &&
      defined({
        VIP: field(byTier, 'VIP', 'string', { file, where: 'timeToDecisionByTier.' }),
        STANDARD: field(byTier, 'STANDARD', 'string', { file, where: 'timeToDecisionByTier.' }),
      }),
    // Per saga state; a threshold on one reads its histograms as a threshold reads any (one that does not decode is unknown).
    sagaSteps: field(histograms, 'sagaSteps', 'object', { file }) as RunHistograms['sagaSteps'],
  });
}
