// The verify benchmark (`npm run bench:verify`): how long `booksim verify` takes, and how
// much memory, on a settled stack of 10,000 and of 100,000 bookings. Each size gets a
// fresh stack on `booksim local` (in its own process), loaded with synthetic settled
// state — seats of ten bookings each, the first CONFIRMED with a ticket and a captured
// charge, the others REJECTED behind it — and a run directory that matches it (run.json
// settled, requests.json, ledger.jsonl, histograms.json). Then it times
// collectStackEvidence in this process (reading alone), and `booksim verify --json` in a
// process of its own (reading and checking), whose peak RSS comes from /proc. Appends a
// section to BENCHMARKS.md.
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

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStateMachineCommand, ListExecutionsCommand, StartExecutionCommand, UpdateStateMachineCommand } from '@aws-sdk/client-sfn';
import { createClients } from '../dist/aws/clients.js';
import { systemClock } from '../dist/clock.js';
import { bookingIdFor } from '../dist/functions/booking-api.js';
import { resolveResources } from '../dist/functions/resources.js';
import { Ledger } from '../dist/gateway/ledger.js';
import { LedgerFile } from '../dist/gateway/ledger-file.js';
import { latencyRecorder } from '../dist/load/histograms.js';
import { createRunDir } from '../dist/run-dir/location.js';
import { runFormat } from '../dist/run-dir/schema.js';
import { collectStackEvidence } from '../dist/verify/collect.js';
import { describeMachine, timeBooksim } from './measure.js';
import { appendSection } from './report.js';
import { startServerProcess } from './server-process.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchmarksFile = join(root, 'BENCHMARKS.md');
const target = { bookings: 100_000, seconds: 60 };
/** BatchWriteItem takes at most 25 writes; this many calls are kept in flight. */
const batchSize = 25;
const writesInFlight = 8;
const startsInFlight = 16;
const amount = 4200;

/** Every child process still running, so that a deadline or a signal can stop them all. */
const running = new Set();

/** Runs `booksim <args>` to completion within `timeoutMs` and returns its stdout; rejects with its stderr. */
function booksim(args, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/run.js', ...args], { cwd: root, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`booksim ${args[0]} failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** Runs `tasks` (functions returning promises) with at most `limit` at once. */
async function pool(tasks, limit) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/** Writes `requests` ({table, item}) with BatchWriteItem, 25 a call, several calls at once, retrying what comes back unprocessed. */
async function batchWrite(dynamodb, requests) {
  const calls = [];
  for (let i = 0; i < requests.length; i += batchSize) {
    const slice = requests.slice(i, i + batchSize);
    calls.push(async () => {
      let RequestItems = {};
      for (const { table, item } of slice) (RequestItems[table] ??= []).push({ PutRequest: { Item: item } });
      for (let attempt = 0; Object.keys(RequestItems).length > 0; attempt++) {
        if (attempt >= 10) throw new Error('BatchWriteItem left items unprocessed 10 times in a row');
        ({ UnprocessedItems: RequestItems = {} } = await dynamodb.send(new BatchWriteItemCommand({ RequestItems })));
      }
    });
  }
  await pool(calls, writesInFlight);
}

const s = (value) => ({ S: value });
const n = (value) => ({ N: String(value) });

/**
 * The synthetic settled state of `bookings` bookings on seats of `perSeat`, for run
 * `runId`: per seat the DynamoDB items (bookings, seat, ticket), the request log entries,
 * the ledger's capture, and the saga's input for the one CONFIRMED booking. Times are
 * laid out as a 500 rps load would send them.
 */
function* syntheticSeats(runId, bookings, perSeat, names, t0) {
  const seats = Math.ceil(bookings / perSeat);
  for (let seat = 0; seat < seats; seat++) {
    const seatId = `S${String(seat).padStart(6, '0')}`;
    const members = [];
    for (let k = 0; k < perSeat && seat * perSeat + k < bookings; k++) {
      const index = seat * perSeat + k;
      const requestId = `${runId}-r${index}`;
      const createdAt = t0 + index * 2;
      members.push({ index, requestId, bookingId: bookingIdFor(requestId), tier: index % 10 === 0 ? 'VIP' : 'STANDARD', createdAt });
    }
    const holder = members[0];
    const items = members.map((m, k) => ({
      table: names.tables.bookings,
      item: {
        bookingId: s(m.bookingId),
        seatId: s(seatId),
        customerId: s(`c${m.index}`),
        requestId: s(m.requestId),
        tier: s(m.tier),
        amount: n(amount),
        status: s(k === 0 ? 'CONFIRMED' : 'REJECTED'),
        sequence: n(m.index + 1),
        createdAt: n(m.createdAt),
        updatedAt: n(m.createdAt + (k === 0 ? 900 : 300)),
        decidedAt: n(m.createdAt + (k === 0 ? 900 : 300)),
        ...(k === 0 ? {} : { reason: s(`seat ${seatId} was sold to an earlier booking (${holder.bookingId})`) }),
      },
    }));
    items.push({
      table: names.tables.seats,
      item: { seatId: s(seatId), holder: s(holder.bookingId), line: { L: members.slice(1).map((m) => s(m.bookingId)) }, sold: { BOOL: true }, seen: { SS: members.map((m) => m.bookingId) } },
    });
    items.push({ table: names.tables.tickets, item: { bookingId: s(holder.bookingId), ticketId: s(`tk_${holder.bookingId}`), seatId: s(seatId), issuedAt: n(holder.createdAt + 800) } });
    const requests = members.map((m) => ({
      index: m.index,
      requestId: m.requestId,
      seatId,
      tier: m.tier,
      intendedAt: m.createdAt,
      sentAt: m.createdAt,
      latencyMs: 3 + (m.index % 7),
      status: 202,
      bookingId: m.bookingId,
    }));
    const saga = { bookingId: holder.bookingId, seatId, customerId: `c${holder.index}`, requestId: holder.requestId, tier: holder.tier, amount };
    yield { items, requests, saga, decisionsMs: members.map((_, k) => (k === 0 ? 900 : 300)) };
  }
}

/** Swaps the saga for one Succeed state and starts an execution per input; resolves when none runs. */
async function startExecutions(sfn, stateMachineArn, inputs) {
  const { definition } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
  const { Comment } = JSON.parse(definition);
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

/** Deploys a stack for `bookings` bookings and loads it and a matching run directory; returns where they are and what it took. */
async function prepare(endpointUrl, clients, reportsDir, bookings, perSeat) {
  const stack = `benchv-${bookings}-${Date.now().toString(36)}`;
  await booksim(['deploy', '--endpoint', endpointUrl, '--stack', stack]);
  const { names, stateMachineArn } = await resolveResources(clients, stack, '');
  const run = await createRunDir(reportsDir, `bench-verify-${bookings}-${Date.now().toString(36)}`);
  const ledger = new Ledger(systemClock, LedgerFile.create(run.path('ledger.jsonl')));
  const apiLatency = latencyRecorder();
  const timeToDecision = latencyRecorder();
  const requests = [];
  const sagas = [];
  let writes = [];
  let items = 0;
  const started = Date.now();
  for (const seat of syntheticSeats(run.id, bookings, perSeat, names, started - 3_600_000)) {
    writes.push(...seat.items);
    requests.push(...seat.requests);
    sagas.push(seat.saga);
    seat.requests.forEach((r) => apiLatency.record(r.latencyMs));
    seat.decisionsMs.forEach((ms) => timeToDecision.record(ms));
    ledger.append({ type: 'charge', bookingId: seat.saga.bookingId, idempotencyKey: seat.saga.bookingId, amount, outcome: 'captured' });
    // Written as they are made, so the bench holds a few thousand items at a time, not the whole stack.
    if (writes.length >= batchSize * writesInFlight * 20) {
      items += writes.length;
      await batchWrite(clients.dynamodb, writes);
      writes = [];
    }
  }
  items += writes.length;
  await batchWrite(clients.dynamodb, writes);
  ledger.close();
  const loadMs = Date.now() - started;
  const executionsStarted = Date.now();
  await startExecutions(clients.sfn, stateMachineArn, sagas);
  const executionsMs = Date.now() - executionsStarted;

  const accepted = requests.length;
  await run.write('run.json', {
    format: runFormat,
    config: { stack, endpoint: endpointUrl, region: 'us-east-1', shape: { synthetic: true, bookings, perSeat } },
    topology: 'fifo-fanout',
    versions: { booksim: 'bench', node: process.version },
    summary: {
      runId: run.id,
      runDir: run.dir,
      endpoint: endpointUrl,
      stack,
      requests: { sent: accepted, completed: accepted, errors: 0, non2xx: 0 },
      bookings: { accepted, confirmed: sagas.length, rejected: accepted - sagas.length, paymentFailed: 0, escalated: 0, undecided: 0 },
      seatsSold: sagas.length,
      settle: { settled: true, waitedMs: 0 },
    },
  });
  await run.write('requests.json', requests);
  await run.write('histograms.json', { unit: 'microseconds, hdr-histogram-js compressed base64', apiLatency: apiLatency.encode(), timeToDecision: timeToDecision.encode() });
  await run.write('faults.json', []);
  return { stack, runDir: run.dir, items, loadMs, executions: sagas.length, executionsMs };
}

/** collectStackEvidence in this process: wall time and what it found. */
async function collectInProcess(clients, stack) {
  const started = performance.now();
  const evidence = await collectStackEvidence(clients, stack);
  const ms = performance.now() - started;
  const counts = { bookings: evidence.bookings.length, seats: evidence.seats.length, tickets: evidence.tickets.length, executions: evidence.executions.length };
  return { ms, counts };
}

function formatSection({ date, machine, results }) {
  const lines = results.map((r) => {
    const v = r.verify;
    const verifyCells = v.output
      ? [`${(v.wallMs / 1000).toFixed(1)} s`, `${(v.cpuMs / 1000).toFixed(1)} s`, `${(r.endpointCpuMs / 1000).toFixed(1)} s`, `${v.peakRssMiB.toFixed(0)} MiB`, `${v.output.verdict} (exit ${v.exitCode})`]
      : ['n/a', 'n/a', 'n/a', 'n/a', `did not run: ${firstLine(v.stderr) || `exit ${v.exitCode ?? v.signal}`}`];
    return `| ${r.bookings} | ${r.counts.seats} | ${r.executions} | ${(r.loadMs / 1000).toFixed(1)} s + ${(r.executionsMs / 1000).toFixed(1)} s | ${(r.collectMs / 1000).toFixed(2)} s | ${verifyCells.join(' | ')} |`;
  });
  const invariants = results
    .filter((r) => r.verify.output)
    .map((r) => `- ${r.bookings} bookings: ${r.verify.output.invariants.map((i) => `${i.key} ${i.verdict}`).join(', ')}`);
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

const firstLine = (text) => (text ?? '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 160) ?? '';

async function main() {
  const { values } = parseArgs({
    options: { sizes: { type: 'string', default: '10000,100000' }, 'per-seat': { type: 'string', default: '10' }, timeout: { type: 'string', default: '1200' }, dry: { type: 'boolean', default: false } },
  });
  const sizes = values.sizes.split(',').map(Number);
  const perSeat = Number(values['per-seat']);
  const timeoutMs = Number(values.timeout) * 1000;
  if (!sizes.every((size) => Number.isSafeInteger(size) && size > 0) || !(perSeat >= 1) || !(timeoutMs > 0)) throw new Error('--sizes takes positive whole numbers, --per-seat and --timeout positive numbers');
  const deadline = setTimeout(() => {
    process.stderr.write(`bench:verify: still running after ${values.timeout} s, stopping\n`);
    stopAll().finally(() => process.exit(2));
  }, timeoutMs);
  // Whatever keeps the benchmark busy keeps it alive; the deadline alone must not.
  deadline.unref();
  const log = (line) => process.stderr.write(`${line}\n`);
  const endpoint = await startServerProcess({ name: 'booksim local', args: ['bin/run.js', 'local', '--port', '0'], cwd: root, readyPattern: /^booksim local ready at (http:\/\/\S+)/ });
  running.add(endpoint);
  const clients = createClients({ endpoint: endpoint.url });
  const reportsDir = mkdtempSync(join(tmpdir(), 'booksim-bench-verify-'));
  try {
    const results = [];
    for (const bookings of sizes) {
      log(`${bookings} bookings: deploying and loading ...`);
      const prepared = await prepare(endpoint.url, clients, reportsDir, bookings, perSeat);
      log(`  loaded ${prepared.items} items in ${(prepared.loadMs / 1000).toFixed(1)} s and ${prepared.executions} executions in ${(prepared.executionsMs / 1000).toFixed(1)} s`);
      const collected = await collectInProcess(clients, prepared.stack);
      log(`  collectStackEvidence: ${(collected.ms / 1000).toFixed(2)} s, ${JSON.stringify(collected.counts)}`);
      if (collected.counts.bookings !== bookings || collected.counts.executions !== prepared.executions) throw new Error(`collectStackEvidence found ${JSON.stringify(collected.counts)}, not what was loaded`);
      const endpointCpuBefore = endpoint.cpuMs();
      const verify = await timeBooksim(root, ['verify', '--run', prepared.runDir, '--reports-dir', reportsDir, '--stack', prepared.stack, '--endpoint', endpoint.url], target.seconds * 5 * 1000, running);
      const endpointCpuMs = endpoint.cpuMs() - endpointCpuBefore;
      log(
        verify.output
          ? `  booksim verify: ${(verify.wallMs / 1000).toFixed(1)} s, ${verify.output.verdict}, peak RSS ${verify.peakRssMiB.toFixed(0)} MiB`
          : `  booksim verify gave no report (exit ${verify.exitCode ?? verify.signal}): ${firstLine(verify.stderr)}`,
      );
      results.push({ bookings, perSeat, ...prepared, collectMs: collected.ms, counts: collected.counts, verify, endpointCpuMs });
    }
    const section = formatSection({ date: new Date().toISOString(), machine: describeMachine(), results });
    if (!values.dry) appendSection(benchmarksFile, section);
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
function stopAll() {
  return Promise.all(
    [...running].map((child) => {
      running.delete(child);
      return 'stop' in child ? child.stop() : Promise.resolve(child.kill('SIGKILL'));
    }),
  );
}

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stopAll().finally(() => process.exit(130)));

main().catch((error) => {
  process.stderr.write(`bench:verify could not run: ${error.message}\n`);
  process.exitCode = 2;
});
