// The endpoint benchmark (`npm run bench:endpoint`): SQS SendMessage → ReceiveMessage →
// DeleteMessage round trips per second, 16 concurrent loops in this one client process,
// first against a canned SQS server (the ceiling: what the client itself can do), then
// against `booksim local`, each server in a child process of its own. Prints a table (or
// JSON with --json) and appends a section to BENCHMARKS.md.
//
// Usage: npm run bench:endpoint [-- --seconds N] [-- --json]   (or BENCH_SECONDS=N)
// Exit codes: 0 booksim local reached the target share of the ceiling with no errors;
//             1 it did not; 2 the benchmark could not run.

import { parseArgs } from 'node:util';
import { cannedSqsServer } from './lib/canned-sqs-server.js';
import { machineBusyCpuMs } from './lib/cpu-time.js';
import { machine, type Machine } from './lib/machine.js';
import { appendSection } from './lib/report.js';
import { booksimLocal, startServerProcess, type ServerProcess, type ServerProcessOptions } from './lib/server-process.js';
import { measureRoundTrips, type RoundTripMeasurement } from './lib/sqs-round-trips.js';

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

type Settings = typeof defaults;
type Load = Omit<Settings, 'clientWarmupSeconds'>;

/** The servers measured, in order: each is started, measured and stopped before the next; the name labels its row. */
const targets: ServerProcessOptions[] = [cannedSqsServer, booksimLocal];

/** One target's measurement, with `cpuMs.other` ({@link withOtherCpu}). */
interface TargetResult {
  label: string;
  measurement: RoundTripMeasurement;
}

interface Verdict {
  ratio: number;
  target: number;
  pass: boolean;
  reasons: string[];
  warnings: string[];
}

/** What one run found, as --json prints it. */
interface EndpointResult {
  date: string;
  machine: Machine;
  settings: Settings;
  targets: TargetResult[];
  verdict: Verdict;
}

/** Reads --seconds / BENCH_SECONDS into the settings, and --json; throws on anything else. */
function parseOptions(argv: string[], env: NodeJS.ProcessEnv): { json: boolean; settings: Settings } {
  const { values } = parseArgs({ args: argv, options: { seconds: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const raw = values.seconds ?? env.BENCH_SECONDS ?? String(defaults.seconds);
  const seconds = Number(raw);
  if (!(seconds > 0 && seconds <= 600)) throw new Error(`--seconds (or BENCH_SECONDS) must be a number of seconds above 0 and at most 600, got "${raw}"`);
  return { json: values.json, settings: { ...defaults, seconds } };
}

/**
 * Starts the server of `target`, measures round trips against it with `load`, and stops
 * it whatever happens. `running` holds the server while it runs, for signal handling.
 */
async function measureTarget(target: ServerProcessOptions, load: Load, running: Set<ServerProcess>, log: (line: string) => void): Promise<TargetResult> {
  log(`starting ${target.name} ...`);
  const server = await startServerProcess(target);
  running.add(server);
  try {
    log(`measuring ${target.name} at ${server.url} for ${load.warmupSeconds} + ${load.seconds} s ...`);
    const cpuMeters = { server: server.cpuMs, machine: machineBusyCpuMs };
    const measurement = await measureRoundTrips({ endpoint: server.url, ...load, cpuMeters });
    if (measurement.roundTrips === 0) {
      throw new Error(`no round trip completed against ${target.name}: ${measurement.errorSamples.join('; ') || 'no error seen'}`);
    }
    return { label: target.name, measurement: withOtherCpu(measurement) };
  } finally {
    await server.stop();
    running.delete(server);
  }
}

/**
 * Adds `cpuMs.other`: the machine's busy time that was neither client nor server (kernel,
 * other processes). At least 0: the machine's and the processes' clocks tick apart.
 */
function withOtherCpu(measurement: RoundTripMeasurement): RoundTripMeasurement {
  const { client, server, machine: busy } = measurement.cpuMs;
  const other = busy === undefined || server === undefined || client === undefined ? undefined : Math.max(0, busy - client - server);
  return { ...measurement, cpuMs: { ...measurement.cpuMs, other } };
}

/**
 * The ratio booksim local / ceiling, and whether it passes: at the target share, with no
 * errors. Warns, without failing, of a run that other work on the machine may have slowed.
 */
function judge([ceiling, booksim]: [TargetResult, TargetResult]): Verdict {
  const ratio = booksim.measurement.roundTripsPerSecond / ceiling.measurement.roundTripsPerSecond;
  const reasons = [
    ...(ratio < targetShare ? [`below ${targetShare * 100}% of the ceiling`] : []),
    ...[ceiling, booksim].filter((t) => t.measurement.errors > 0).map((t) => `${t.measurement.errors} errors against ${t.label}`),
  ];
  const warnings = [ceiling, booksim].flatMap(({ label, measurement: m }) => {
    const other = m.cpuMs.other;
    return other !== undefined && other > quietShare * m.elapsedMs ? [`other work used ${Math.round((other * 100) / m.elapsedMs)}% of a core while measuring ${label}: rerun on a quiet machine`] : [];
  });
  return { ratio, target: targetShare, pass: reasons.length === 0, reasons, warnings };
}

const columns = ['target', 'round trips/s', 'p50 ms', 'p99 ms', 'errors', 'empty receives', 'server CPU', 'server µs/round trip', 'client CPU', 'other CPU'];

function percentOfCore(cpuMs: number | undefined, elapsedMs: number): string {
  return cpuMs === undefined ? 'n/a' : `${Math.round((cpuMs * 100) / elapsedMs)}%`;
}

function rows(result: EndpointResult): string[][] {
  return result.targets.map(({ label, measurement: m }) => [
    label,
    m.roundTripsPerSecond.toFixed(1),
    m.latencyMs.p50.toFixed(2),
    m.latencyMs.p99.toFixed(2),
    String(m.errors),
    String(m.emptyReceives),
    percentOfCore(m.cpuMs.server, m.elapsedMs),
    m.cpuMs.server === undefined ? 'n/a' : String(Math.round((m.cpuMs.server * 1000) / m.roundTrips)),
    percentOfCore(m.cpuMs.client, m.elapsedMs),
    percentOfCore(m.cpuMs.other, m.elapsedMs),
  ]);
}

function verdictLines(result: EndpointResult): string[] {
  const { ratio, target, pass, reasons, warnings } = result.verdict;
  return [
    `booksim local / ceiling: ${(ratio * 100).toFixed(1)}% — ${pass ? 'PASS' : 'FAIL'} (target ≥ ${target * 100}%)${reasons.length ? `: ${reasons.join('; ')}` : ''}`,
    ...warnings.map((warning) => `warning: ${warning}`),
  ];
}

function settingsLine(result: EndpointResult): string {
  const { loops, seconds, warmupSeconds, clientWarmupSeconds, receiveWaitSeconds } = result.settings;
  return `${loops} concurrent loops, ${seconds} s per target after a ${warmupSeconds} s warm-up (the first target after ${clientWarmupSeconds} s more, to warm up the client), ReceiveMessage WaitTimeSeconds ${receiveWaitSeconds}`;
}

/** The result as a plain-text table with the settings above it and the verdict below. */
function formatTable(result: EndpointResult): string {
  const table = [columns, ...rows(result)];
  const widths = columns.map((_, i) => Math.max(...table.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const samples = result.targets.flatMap(({ label, measurement }) => measurement.errorSamples.map((text) => `  ${label}: ${text}`));
  return [
    `SQS send → receive → delete round trips: ${settingsLine(result)}`,
    '',
    ...table.map(line),
    '',
    ...verdictLines(result),
    ...(samples.length ? ['errors seen:', ...samples] : []),
  ].join('\n');
}

/** The result as a BENCHMARKS.md section: date, machine, settings, table and verdict. */
function formatSection(result: EndpointResult): string {
  const { machine: m } = result;
  const cells = (row: string[]) => `| ${row.join(' | ')} |`;
  return [
    `## Endpoint: SQS round trips, ${result.date}`,
    '',
    `- Node ${m.node}; CPU ${m.cpuModel}, ${m.cores} cores`,
    `- ${settingsLine(result)}; one client process (AWS SDK v3), each server in its own process`,
    '',
    cells(columns),
    cells(columns.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows(result).map(cells),
    '',
    ...verdictLines(result).map((line, i) => (i === 0 ? `**${line}**` : `- ${line}`)),
    '',
  ].join('\n');
}

/** Stops every running server when the benchmark itself is interrupted, then exits. */
function stopOnSignals(running: Set<ServerProcess>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.all([...running].map((server) => server.stop())).finally(() => process.exit(130));
    });
  }
}

async function main(): Promise<void> {
  const { json, settings } = parseOptions(process.argv.slice(2), process.env);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const running = new Set<ServerProcess>();
  stopOnSignals(running);
  const { clientWarmupSeconds, ...load } = settings;
  const results: TargetResult[] = [];
  for (const [index, target] of targets.entries()) {
    const warmupSeconds = load.warmupSeconds + (index === 0 ? clientWarmupSeconds : 0);
    results.push(await measureTarget(target, { ...load, warmupSeconds }, running, log));
  }
  const [ceiling, booksim] = results;
  if (!ceiling || !booksim) throw new Error('both targets must be measured');
  const result: EndpointResult = { date: new Date().toISOString(), machine: machine(), settings, targets: results, verdict: judge([ceiling, booksim]) };
  appendSection(formatSection(result));
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `\n${formatTable(result)}\nappended to BENCHMARKS.md\n`);
  process.exitCode = result.verdict.pass ? 0 : 1;
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench:endpoint failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
