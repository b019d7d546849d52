// The verify benchmark (`npm run bench:verify`): how long `booksim verify` takes, and how
// much memory, on a settled stack of 10,000 and of 100,000 bookings. Each size gets a
// fresh stack on `booksim local` (in its own process), loaded with synthetic settled
// state — seats of ten bookings each, the first CONFIRMED with a ticket and a captured
// charge, the others REJECTED behind it — and a run directory that matches it
// (bench/lib/synthetic-run.ts: run.json settled, requests.json, decisions.json,
// ledger.jsonl, histograms.json). Then it times collectStackEvidence in this process
// (reading alone), and `booksim verify --json` in a process of its own (reading and
// checking), whose peak RSS comes from /proc. Appends a section to BENCHMARKS.md.
//
// The saga's executions: the real saga needs workers to end, and 10,000 of them through
// five activity steps would cost more than the rest of the load together. So the bench
// replaces the stack's state machine definition by a single Succeed state (keeping its
// Comment, where the timing profile is read from) and starts one execution per
// CONFIRMED booking, named after it as the payment function names them: ListExecutions
// then pages through as many executions as a real run of that size has, all SUCCEEDED.
//
// Usage: npm run bench:verify [-- --sizes 10000,100000 --per-seat 10 --timeout 1200 --dry]
//        (--timeout: seconds for the whole benchmark; --dry: print the section, do not record it)
// Exit codes: 0 every size verified valid, 100,000 bookings within 60 s; 1 not;
//             2 the benchmark could not run.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriteItemCommand, type BatchWriteItemCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStateMachineCommand, ListExecutionsCommand, StartExecutionCommand, UpdateStateMachineCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { createClients, type AwsClients } from '../src/aws/clients.js';
import { bookingToItem } from '../src/functions/bookings.js';
import type { Item } from '../src/functions/dynamo.js';
import { resolveResources } from '../src/functions/resources.js';
import { ticketIdOf, ticketToItem } from '../src/functions/saga/issue-ticket.js';
import { seatToItem } from '../src/functions/seats.js';
import type { SagaInput } from '../src/model/booking.js';
import type { VerifyReport } from '../src/model/verdict.js';
import { collectStackEvidence } from '../src/verify/collect.js';
import { booksim, timeBooksim, type TimedRun } from './lib/booksim.js';
import { describeMachine } from './lib/machine.js';
import { appendSection } from './lib/report.js';
import { startBooksimLocal, type ServerProcess } from './lib/server-process.js';
import { createSyntheticRun, type SyntheticSeat } from './lib/synthetic-run.js';

const target = { bookings: 100_000, seconds: 60 };
/** BatchWriteItem takes at most 25 writes; this many calls are kept in flight. */
const batchSize = 25;
const writesInFlight = 8;
const startsInFlight = 16;
/** The bookings' requests as a 500 rps load would send them. */
const rps = 500;

/** The endpoint, and every verify still running, so that a deadline or a signal can stop them all. */
let endpoint: ServerProcess | undefined;
const running = new Set<ChildProcess>();

/** Runs `tasks` (functions returning promises) with at most `limit` at once. */
async function pool(tasks: Array<() => Promise<unknown>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/** One item to put into one table. */
interface Write {
  table: string;
  item: Item;
}

/** Writes `requests` with BatchWriteItem, 25 a call, several calls at once, retrying what comes back unprocessed. */
async function batchWrite(dynamodb: DynamoDBClient, requests: Write[]): Promise<void> {
  const calls: Array<() => Promise<void>> = [];
  for (let i = 0; i < requests.length; i += batchSize) {
    const slice = requests.slice(i, i + batchSize);
    calls.push(async () => {
      let RequestItems: NonNullable<BatchWriteItemCommandInput['RequestItems']> = {};
      for (const { table, item } of slice) (RequestItems[table] ??= []).push({ PutRequest: { Item: item } });
      for (let attempt = 0; Object.keys(RequestItems).length > 0; attempt++) {
        if (attempt >= 10) throw new Error('BatchWriteItem left items unprocessed 10 times in a row');
        ({ UnprocessedItems: RequestItems = {} } = await dynamodb.send(new BatchWriteItemCommand({ RequestItems })));
      }
    });
  }
  await pool(calls, writesInFlight);
}

/** A seat's DynamoDB items, written with the functions' own item writers: its bookings, the seat (sold to the first, the rest in its line) and the holder's ticket. */
function seatWrites({ seatId, bookings: [holder, ...others] }: SyntheticSeat, tables: { bookings: string; seats: string; tickets: string }): Write[] {
  const all = [holder, ...others];
  return [
    ...all.map((booking) => ({ table: tables.bookings, item: bookingToItem(booking) })),
    { table: tables.seats, item: seatToItem({ seatId, holder: holder.bookingId, line: others.map((b) => b.bookingId), sold: true, seen: all.map((b) => b.bookingId) }) },
    { table: tables.tickets, item: ticketToItem({ bookingId: holder.bookingId, ticketId: ticketIdOf(holder.bookingId), seatId, issuedAt: holder.chargedAt }) },
  ];
}

async function startExecutions(sfn: SFNClient, stateMachineArn: string, inputs: SagaInput[]): Promise<void> {
  const { definition } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
  const { Comment } = JSON.parse(definition ?? '{}') as { Comment?: string };
  await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: JSON.stringify({ Comment, StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }) }));
  await pool(
    inputs.map((input) => () => sfn.send(new StartExecutionCommand({ stateMachineArn, name: input.bookingId, input: JSON.stringify(input) }))),
    startsInFlight,
  );
  const deadline = Date.now() + 60_000;
  while ((await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 }))).executions?.length) {
    if (Date.now() > deadline) throw new Error('executions still RUNNING a minute after they were started');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Prepared {
  stack: string;
  runDir: string;
  items: number;
  loadMs: number;
  executions: number;
  executionsMs: number;
}

/** Deploys a stack for `bookings` bookings and loads it and a matching run directory; returns where they are and what it took. */
async function prepare(endpointUrl: string, clients: AwsClients, reportsDir: string, bookings: number, perSeat: number): Promise<Prepared> {
  const stack = `benchv-${bookings}-${Date.now().toString(36)}`;
  await booksim(['deploy', '--endpoint', endpointUrl, '--stack', stack], { timeoutMs: 120_000 });
  const { names, stateMachineArn } = await resolveResources(clients, stack, '');
  const started = Date.now();
  const synthetic = await createSyntheticRun({
    reportsDir,
    runId: `bench-verify-${bookings}-${Date.now().toString(36)}`,
    bookings,
    perSeat,
    rps,
    startedAt: started - 3_600_000,
    stack,
    endpoint: endpointUrl,
    figures: (index, confirmed) => ({ tier: index % 10 === 0 ? 'VIP' : 'STANDARD', latencyMs: 3 + (index % 7), decisionMs: confirmed ? 900 : 300 }),
  });
  const sagas: SagaInput[] = [];
  let writes: Write[] = [];
  let items = 0;
  for (const seat of synthetic.seats()) {
    const seatItems = seatWrites(seat, names.tables);
    writes.push(...seatItems);
    const { bookingId, seatId, customerId, requestId, tier, amount } = seat.bookings[0];
    sagas.push({ bookingId, seatId, customerId, requestId, tier, amount });
    // Written as they are made, so the bench holds a few thousand items at a time, not the whole stack.
    if (writes.length >= batchSize * writesInFlight * 20) {
      items += writes.length;
      await batchWrite(clients.dynamodb, writes);
      writes = [];
    }
  }
  items += writes.length;
  await batchWrite(clients.dynamodb, writes);
  const loadMs = Date.now() - started;
  const executionsStarted = Date.now();
  await startExecutions(clients.sfn, stateMachineArn, sagas);
  const executionsMs = Date.now() - executionsStarted;
  await synthetic.finish();
  return { stack, runDir: synthetic.run.dir, items, loadMs, executions: sagas.length, executionsMs };
}

/** collectStackEvidence in this process: wall time and what it found. */
async function collectInProcess(clients: AwsClients, stack: string) {
  const started = performance.now();
  const evidence = await collectStackEvidence(clients, stack);
  const ms = performance.now() - started;
  const counts = { bookings: evidence.bookings.length, seats: evidence.seats.length, tickets: evidence.tickets.length, executions: evidence.executions.length };
  return { ms, counts };
}

interface SizeResult extends Prepared {
  bookings: number;
  perSeat: number;
  collectMs: number;
  counts: Awaited<ReturnType<typeof collectInProcess>>['counts'];
  verify: TimedRun<VerifyReport>;
  endpointCpuMs: number | undefined;
}

function formatSection({ date, machine, results }: { date: string; machine: string; results: SizeResult[] }): string {
  const seconds = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
  const lines = results.map((r) => {
    const v = r.verify;
    const verifyCells = v.output
      ? [seconds(v.wallMs), seconds(v.cpuMs), seconds(r.endpointCpuMs), `${v.peakRssMiB.toFixed(0)} MiB`, `${v.output.verdict} (exit ${v.exitCode})`]
      : ['n/a', 'n/a', 'n/a', 'n/a', `did not run: ${firstLine(v.stderr) || `exit ${v.exitCode ?? v.signal}`}`];
    return `| ${r.bookings} | ${r.counts.seats} | ${r.executions} | ${(r.loadMs / 1000).toFixed(1)} s + ${(r.executionsMs / 1000).toFixed(1)} s | ${(r.collectMs / 1000).toFixed(2)} s | ${verifyCells.join(' | ')} |`;
  });
  const invariants = results.flatMap((r) => (r.verify.output ? [`- ${r.bookings} bookings: ${r.verify.output.invariants.map((i) => `${i.key} ${i.verdict}`).join(', ')}`] : []));
  const big = results.find((r) => r.bookings === target.bookings);
  const verdict = !big
    ? `${target.bookings} bookings not in --sizes: target not measured`
    : big.verify.output
      ? `${(big.verify.wallMs / 1000).toFixed(1)} s for ${target.bookings} bookings — ${big.verify.wallMs < target.seconds * 1000 ? 'PASS' : 'FAIL'}`
      : `verify did not run on ${target.bookings} bookings — FAIL`;
  return [
    `## Verify: settled stacks of ${results.map((r) => r.bookings).join(' and ')} bookings, ${date}`,
    '',
    `- Node ${process.version}; CPU ${machine}; \`booksim local\` in its own process; synthetic settled state (seats of ${results[0]?.perSeat} bookings: one CONFIRMED with ticket, capture and a SUCCEEDED execution, the rest REJECTED) and a matching run directory`,
    '- load: BatchWriteItem of bookings, seats and tickets + StartExecution per confirmed booking; collect: `collectStackEvidence` in the benchmark process (scans and listings only); verify: `booksim verify --run DIR --stack NAME --json` in its own process (wall time from spawn to exit, its CPU, booksim local\'s CPU meanwhile, its peak RSS from /proc VmHWM)',
    '',
    '| bookings | seats | executions | load (items + executions) | collect in-process | verify wall | verify CPU | endpoint CPU | verify peak RSS | verdict |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...lines,
    '',
    ...invariants,
    ...(invariants.length ? [''] : []),
    `**${verdict} (target < ${target.seconds} s)**`,
    '',
  ].join('\n');
}

const firstLine = (text: string | undefined) => (text ?? '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 160) ?? '';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sizes: { type: 'string', default: '10000,100000' }, 'per-seat': { type: 'string', default: '10' }, timeout: { type: 'string', default: '1200' }, dry: { type: 'boolean', default: false } },
  });
  const sizes = values.sizes.split(',').map(Number);
  const perSeat = Number(values['per-seat']);
  const timeoutMs = Number(values.timeout) * 1000;
  if (!sizes.every((size) => Number.isSafeInteger(size) && size > 0) || !(perSeat >= 1) || !(timeoutMs > 0)) throw new Error('--sizes takes positive whole numbers, --per-seat and --timeout positive numbers');
  const deadline = setTimeout(() => {
    process.stderr.write(`bench:verify: still running after ${values.timeout} s, stopping\n`);
    void stopAll().finally(() => process.exit(2));
  }, timeoutMs);
  // Whatever keeps the benchmark busy keeps it alive; the deadline alone must not.
  deadline.unref();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const local = await startBooksimLocal();
  endpoint = local;
  const clients = createClients({ endpoint: local.url });
  const reportsDir = mkdtempSync(join(tmpdir(), 'booksim-bench-verify-'));
  try {
    const results: SizeResult[] = [];
    for (const bookings of sizes) {
      log(`${bookings} bookings: deploying and loading ...`);
      const prepared = await prepare(local.url, clients, reportsDir, bookings, perSeat);
      log(`  loaded ${prepared.items} items in ${(prepared.loadMs / 1000).toFixed(1)} s and ${prepared.executions} executions in ${(prepared.executionsMs / 1000).toFixed(1)} s`);
      const collected = await collectInProcess(clients, prepared.stack);
      log(`  collectStackEvidence: ${(collected.ms / 1000).toFixed(2)} s, ${JSON.stringify(collected.counts)}`);
      if (collected.counts.bookings !== bookings || collected.counts.executions !== prepared.executions) throw new Error(`collectStackEvidence found ${JSON.stringify(collected.counts)}, not what was loaded`);
      const endpointCpuBefore = local.cpuMs();
      const verify = await timeBooksim<VerifyReport>(['verify', '--run', prepared.runDir, '--reports-dir', reportsDir, '--stack', prepared.stack, '--endpoint', local.url], target.seconds * 5 * 1000, running);
      const endpointCpuAfter = local.cpuMs();
      const endpointCpuMs = endpointCpuBefore === undefined || endpointCpuAfter === undefined ? undefined : endpointCpuAfter - endpointCpuBefore;
      log(
        verify.output
          ? `  booksim verify: ${(verify.wallMs / 1000).toFixed(1)} s, ${verify.output.verdict}, peak RSS ${verify.peakRssMiB.toFixed(0)} MiB`
          : `  booksim verify gave no report (exit ${verify.exitCode ?? verify.signal}): ${firstLine(verify.stderr)}`,
      );
      results.push({ bookings, perSeat, ...prepared, collectMs: collected.ms, counts: collected.counts, verify, endpointCpuMs });
    }
    const section = formatSection({ date: new Date().toISOString(), machine: describeMachine(), results });
    if (!values.dry) appendSection(section);
    process.stdout.write(`\n${section}\n${values.dry ? 'not recorded (--dry)' : 'appended to BENCHMARKS.md'}\n`);
    const big = results.find((r) => r.bookings === target.bookings);
    const pass = results.every((r) => r.verify.output?.verdict === 'valid') && (!big || big.verify.wallMs < target.seconds * 1000);
    process.exitCode = pass ? 0 : 1;
  } finally {
    clearTimeout(deadline);
    clients.destroy();
    await stopAll();
    rmSync(reportsDir, { recursive: true, force: true });
  }
}

/** Stops the endpoint and any verify still running. */
async function stopAll(): Promise<void> {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
  const stopping = endpoint;
  endpoint = undefined;
  await stopping?.stop();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll().finally(() => process.exit(130)));

main().catch((error: unknown) => {
  process.stderr.write(`bench:verify could not run: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
