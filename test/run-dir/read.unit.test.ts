import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { BooksimError, ExitCode } from '../../src/errors.js';
import { Ledger } from '../../src/gateway/ledger.js';
import { LedgerFile } from '../../src/gateway/ledger-file.js';
import type { RequestLogEntry } from '../../src/load/run-load.js';
import { createRunDir, type RunDir } from '../../src/run-dir/location.js';
import { readRunFiles } from '../../src/run-dir/read.js';
import { runFormat } from '../../src/run-dir/schema.js';

const summary = JSON.parse(readFileSync(new URL('../fixtures/storm-summary.json', import.meta.url), 'utf8')) as { runId: string; endpoint: string };

describe('reading a run directory', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'booksim-run-files-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const sagaSteps = { ReserveSeat: { wait: 'HISTFAAA5', work: 'HISTFAAA6', backoff: 'HISTFAAA7', total: 'HISTFAAA8' } };
  const request: RequestLogEntry = { index: 0, requestId: 'run-r0', seatId: 'S1', tier: 'VIP', intendedAt: 1, sentAt: 2, latencyMs: 3.5, status: 202, bookingId: 'B1' };

  /** Writes a run file as given: older runs' files, and files that are not what booksim writes. */
  const writeJson = (run: RunDir, name: string, data: unknown) => writeFile(run.path(name), JSON.stringify(data));

  /** A run directory with every file as `booksim storm` writes them. */
  async function recordedRun() {
    const run = await createRunDir(root, 'run-1');
    await writeJson(run, 'run.json', { config: { stack: 'shop', endpoint: 'http://127.0.0.1:4566' }, topology: 'fifo-fanout', summary });
    await writeJson(run, 'requests.json', [request, { ...request, index: 1, requestId: 'run-r1', status: 0, error: 'timeout', bookingId: undefined }]);
    await writeJson(run, 'histograms.json', { unit: 'microseconds', apiLatency: 'HISTFAAA1', timeToDecision: 'HISTFAAA2', timeToDecisionByTier: { VIP: 'HISTFAAA3', STANDARD: 'HISTFAAA4' }, sagaSteps });
    await writeJson(run, 'faults.json', [{ at: 'x', fault: 'decline' }]);
    const ledger = new Ledger(new ManualClock(1_800_000_000_000), LedgerFile.create(run.path('ledger.jsonl')));
    ledger.append({ type: 'charge', bookingId: 'B1', idempotencyKey: 'B1', amount: 4200, outcome: 'captured', responseLost: true });
    ledger.append({ type: 'refund', bookingId: 'B1', idempotencyKey: 'B1', amount: 4200, outcome: 'refunded' });
    ledger.close();
    return run;
  }

  /** The BooksimError reading `dir` throws. */
  const failure = (dir: string) => readRunFiles(dir).then(() => expect.unreachable('no error'), (error: unknown) => error as BooksimError);

  it('when every file is there, it reads each part: run and its summary, ledger, requests, histograms, faults', async () => {
    const run = await recordedRun();
    const files = await readRunFiles(run.dir);
    expect(files).toEqual({
      runId: summary.runId,
      settled: true,
      stack: 'shop',
      endpoint: summary.endpoint,
      topology: 'fifo-fanout',
      summary,
      ledger: [
        { seq: 1, at: '2027-01-15T08:00:00.000Z', type: 'charge', bookingId: 'B1', idempotencyKey: 'B1', amount: 4200, outcome: 'captured', responseLost: true },
        { seq: 2, at: '2027-01-15T08:00:00.000Z', type: 'refund', bookingId: 'B1', idempotencyKey: 'B1', amount: 4200, outcome: 'refunded' },
      ],
      requests: [request, { ...request, index: 1, requestId: 'run-r1', status: 0, error: 'timeout', bookingId: undefined }],
      histograms: { apiLatency: 'HISTFAAA1', timeToDecision: 'HISTFAAA2', timeToDecisionByTier: { VIP: 'HISTFAAA3', STANDARD: 'HISTFAAA4' }, sagaSteps },
      faults: [{ at: 'x', fault: 'decline' }],
    });
  });

  it('when run.json records the event the run sold, it is read; a run from before events has none (above)', async () => {
    const run = await createRunDir(root, 'run-4');
    await writeJson(run, 'run.json', { config: { stack: 'shop' }, summary: { ...summary, event: 'gala' } });
    expect(await readRunFiles(run.dir)).toMatchObject({ runId: summary.runId, stack: 'shop', event: 'gala' });
  });

  it('when run.json is of a newer format than this booksim reads, it refuses the run in one line, exit 2; the format it writes is read', async () => {
    const run = await createRunDir(root, 'run-5');
    await writeJson(run, 'run.json', { format: runFormat + 1, config: { stack: 'shop' }, summary });
    const refused = await readRunFiles(run.dir).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BooksimError);
    expect(refused).toMatchObject({ exitCode: ExitCode.usage, message: `${run.path('run.json')} is run format ${runFormat + 1}, and this booksim reads formats up to ${runFormat}` });
    await writeJson(run, 'run.json', { format: runFormat, config: { stack: 'shop' }, summary });
    expect(await readRunFiles(run.dir)).toMatchObject({ stack: 'shop' });
  });

  it('when the directory is empty, every part is undefined and the run id is the directory name', async () => {
    const run = await createRunDir(root, 'run-2');
    expect(await readRunFiles(run.dir)).toEqual({ runId: 'run-2' });
  });

  it('when run.json has no summary (a storm that did not finish), the stack is still read and settled is undefined', async () => {
    const run = await createRunDir(root, 'run-3');
    await writeJson(run, 'run.json', { config: { stack: 'shop' } });
    await writeFile(run.path('ledger.jsonl'), '');
    expect(await readRunFiles(run.dir)).toEqual({ runId: 'run-3', stack: 'shop', ledger: [] });
  });

  it('when the directory does not exist, it is a usage error naming it', async () => {
    const error = await failure(join(root, 'gone'));
    expect(error).toBeInstanceOf(BooksimError);
    expect(error).toMatchObject({ exitCode: ExitCode.usage, message: `run directory ${join(root, 'gone')} does not exist` });
  });

  it.each([
    ['run.json', '{"config": {"stack": "shop"', 'is malformed: not JSON ('],
    ['run.json', '[1, 2]', 'is malformed: not a JSON object'],
    ['run.json', '{"summary": {"settle": {"settled": "yes"}}}', 'is malformed: summary.settle.settled is not a boolean'],
    ['run.json', '{"config": {"stack": 7}}', 'is malformed: config.stack is not a string'],
    ['run.json', '{"summary": {"event": 7}}', 'is malformed: summary.event is not a string'],
    ['ledger.jsonl', '{"seq":1,"at":"t","type":"charge","bookingId":"B1","idempotencyKey":"B1","amount":1,"outcome":"captured"}\n{"seq":2,', 'is malformed: line 2 is not JSON ('],
    ['ledger.jsonl', '{"seq":1,"at":"t","type":"charge","idempotencyKey":"B1","amount":1,"outcome":"captured"}\n', 'is malformed: line 1: bookingId is missing'],
    ['ledger.jsonl', '{"seq":1,"at":"t","type":"charge","bookingId":"B1","idempotencyKey":"B1","amount":"1","outcome":"captured"}\n', 'is malformed: line 1: amount is not a number'],
    ['ledger.jsonl', '{"seq":1,"at":"t","type":"charge","bookingId":"B1","idempotencyKey":"B1","amount":1,"outcome":"stolen"}\n', 'is malformed: line 1: outcome "stolen" is none of'],
    ['requests.json', '{"requests": []}', 'is malformed: not a JSON array'],
    ['requests.json', '[{"index":0,"requestId":"r","seatId":"S","intendedAt":1}]', 'is malformed: entry 1: status is missing'],
    ['histograms.json', '{"apiLatency": 12}', 'is malformed: apiLatency is not a string'],
    ['histograms.json', '{"timeToDecisionByTier": {"VIP": false}}', 'is malformed: timeToDecisionByTier.VIP is not a string'],
    ['faults.json', '{}', 'is malformed: not a JSON array'],
  ])('when %s is %s, it is a usage error naming the file and what is wrong', async (name, text, what) => {
    const run = await createRunDir(root, 'broken');
    await writeFile(run.path(name), text);
    const error = await failure(run.dir);
    expect(error).toBeInstanceOf(BooksimError);
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message.startsWith(`${run.path(name)} ${what}`)).toBe(true);
    expect(error.suggestions.join(' ')).toMatch(/booksim storm/);
  });
});
