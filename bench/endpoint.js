// The endpoint benchmark (`npm run bench:endpoint`): SQS SendMessage → ReceiveMessage →
// DeleteMessage round trips per second, 16 concurrent loops in this one client process,
// first against a canned SQS server (the ceiling: what the client itself can do), then
// against `booksim local`, each server in a child process of its own. Prints a table (or
// JSON with --json) and appends a section to BENCHMARKS.md.
//
// Usage: npm run bench:endpoint [-- --seconds N] [-- --json]   (or BENCH_SECONDS=N)
// Exit codes: 0 booksim local reached the target share of the ceiling with no errors;
//             1 it did not; 2 the benchmark could not run.

import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineBusyCpuMs } from './cpu-time.js';
import { appendSection, formatSection, formatTable } from './report.js';
import { startServerProcess } from './server-process.js';
import { measureRoundTrips } from './sqs-round-trips.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchmarksFile = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
const targetShare = 0.8;
/** CPU of other work on the machine, as a share of one core, above which a run is flagged as disturbed. */
const quietShare = 0.2;
// ReceiveMessage does not long-poll: every loop sends before it receives and booksim handles
// requests in the order they arrive, so a message is always there to receive (the table
// counts any empty receive). A long poll would never wait, only add booksim's waiter
// bookkeeping, and would hide a missing message as latency instead of showing it.
//
// A fresh client process spends its first 5–10 s getting the SDK's code optimised and runs
// some 40% slower meanwhile, so the first target measured (the ceiling) gets
// clientWarmupSeconds of warm-up on top of the warm-up every target gets; without it the
// ceiling comes out low and booksim local above 100% of it.
const defaults = { seconds: 10, warmupSeconds: 2, clientWarmupSeconds: 8, loops: 16, receiveWaitSeconds: 0 };

/** The servers measured, in order: each is started, measured and stopped before the next. */
const targets = [
  {
    label: 'ceiling: canned SQS server',
    args: ['bench/canned-sqs-server.js'],
    readyPattern: /^canned sqs ready at (http:\/\/\S+)/,
  },
  {
    label: 'booksim local',
    args: ['bin/run.js', 'local', '--port', '0'],
    readyPattern: /^booksim local ready at (http:\/\/\S+)/,
  },
];

/** Reads --seconds / BENCH_SECONDS into the settings, and --json; throws on anything else. */
function parseOptions(argv, env) {
  const { values } = parseArgs({ args: argv, options: { seconds: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const raw = values.seconds ?? env.BENCH_SECONDS ?? String(defaults.seconds);
  const seconds = Number(raw);
  if (!(seconds > 0 && seconds <= 600)) throw new Error(`--seconds (or BENCH_SECONDS) must be a number of seconds above 0 and at most 600, got "${raw}"`);
  return { json: values.json, settings: { ...defaults, seconds } };
}

/** The CPU model (from /proc/cpuinfo where there is one), core count and Node version. */
function describeMachine() {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // not Linux: keep what os.cpus() says
  }
  return { node: process.version, cpuModel: cpuModel.trim(), cores: availableParallelism() };
}

/**
 * Starts the server of `target`, measures round trips against it with `load` (loops,
 * seconds, warmupSeconds, receiveWaitSeconds), and stops it whatever happens. `running`
 * holds the server while it runs, for signal handling.
 */
async function measureTarget(target, load, running, log) {
  log(`starting ${target.label} ...`);
  const server = await startServerProcess({ name: target.label, args: target.args, cwd: root, readyPattern: target.readyPattern });
  running.add(server);
  try {
    log(`measuring ${target.label} at ${server.url} for ${load.warmupSeconds} + ${load.seconds} s ...`);
    const cpuMeters = { server: server.cpuMs, machine: machineBusyCpuMs };
    const measurement = await measureRoundTrips({ endpoint: server.url, ...load, cpuMeters });
    if (measurement.roundTrips === 0) {
      throw new Error(`no round trip completed against ${target.label}: ${measurement.errorSamples.join('; ') || 'no error seen'}`);
    }
    return { label: target.label, measurement: withOtherCpu(measurement) };
  } finally {
    await server.stop();
    running.delete(server);
  }
}

/**
 * Adds `cpuMs.other`: the machine's busy time that was neither client nor server (kernel,
 * other processes). At least 0: the machine's and the processes' clocks tick apart.
 */
function withOtherCpu(measurement) {
  const { client, server, machine } = measurement.cpuMs;
  const other = machine === undefined || server === undefined ? undefined : Math.max(0, machine - client - server);
  return { ...measurement, cpuMs: { ...measurement.cpuMs, other } };
}

/**
 * The ratio booksim local / ceiling, and whether it passes: at the target share, with no
 * errors. Warns, without failing, of a run that other work on the machine may have slowed.
 */
function judge([ceiling, booksim]) {
  const ratio = booksim.measurement.roundTripsPerSecond / ceiling.measurement.roundTripsPerSecond;
  const reasons = [
    ...(ratio < targetShare ? [`below ${targetShare * 100}% of the ceiling`] : []),
    ...[ceiling, booksim].filter((t) => t.measurement.errors > 0).map((t) => `${t.measurement.errors} errors against ${t.label}`),
  ];
  const warnings = [ceiling, booksim]
    .filter(({ measurement: m }) => m.cpuMs.other > quietShare * m.elapsedMs)
    .map(({ label, measurement: m }) => `other work used ${Math.round((m.cpuMs.other * 100) / m.elapsedMs)}% of a core while measuring ${label}: rerun on a quiet machine`);
  return { ratio, target: targetShare, pass: reasons.length === 0, reasons, warnings };
}

/** Stops every running server when the benchmark itself is interrupted, then exits. */
function stopOnSignals(running) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      Promise.all([...running].map((server) => server.stop())).finally(() => process.exit(130));
    });
  }
}

async function main() {
  const { json, settings } = parseOptions(process.argv.slice(2), process.env);
  const log = (line) => process.stderr.write(`${line}\n`);
  const running = new Set();
  stopOnSignals(running);
  const { clientWarmupSeconds, ...load } = settings;
  const results = [];
  for (const [index, target] of targets.entries()) {
    const warmupSeconds = load.warmupSeconds + (index === 0 ? clientWarmupSeconds : 0);
    results.push(await measureTarget(target, { ...load, warmupSeconds }, running, log));
  }
  const result = { date: new Date().toISOString(), machine: describeMachine(), settings, targets: results, verdict: judge(results) };
  appendSection(benchmarksFile, formatSection(result));
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `\n${formatTable(result)}\nappended to BENCHMARKS.md\n`);
  process.exitCode = result.verdict.pass ? 0 : 1;
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench:endpoint failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
