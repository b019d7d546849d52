// The storm benchmark (`npm run bench:storm`): `booksim storm --seats 100 --rps 500
// --duration 20s` against `booksim local` in its own process, on a freshly deployed stack.
// Records the achieved rate, API latency and time-to-decision percentiles, the settle
// time, the AWS calls per confirmed and per rejected booking, the CPU time per booking of
// each process (the endpoint from /proc, the storm and each function's workers from
// run.json) and the memory of booksim's processes; appends a section to BENCHMARKS.md.
// With --profile DIR every process runs under `node --cpu-prof` writing into DIR, and the
// self time of each is printed by package and by function (bench/lib/cpu-profile.ts) and
// kept in DIR/analysis.txt. Profiling costs CPU: take the CPU figures of a run without it.
//
// With --scenario NAME the storm runs that scenario (kitchen-sink: every fault at once) and
// the stack is verified after it (`booksim verify`): the verdict is part of the targets.
//
// Usage: npm run bench:storm [-- --rps N --seconds N --seats N --scenario NAME --profile DIR]
// Exit codes: 0 the targets were met (≥ 98% of the rate, every booking decided within
//             30 s of the end of the load, VALID with --scenario); 1 they were not; 2 the
//             benchmark could not run.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { StormSummary } from '../src/model/run.js';
import type { VerifyReport } from '../src/model/verdict.js';
import type { RunJson } from '../src/run-dir/schema.js';
import { workerConfigVariable, type WorkerConfig } from '../src/runtime/worker-messages.js';
import { analyseProfileFile, formatAnalysis, pidOfProfileFile } from './lib/cpu-profile.js';
import { booksim } from './lib/booksim.js';
import { describeMachine } from './lib/machine.js';
import { appendSection } from './lib/report.js';
import { startBooksimLocal } from './lib/server-process.js';

const targets = { rateShare: 0.98, decidedWithinMs: 30_000 };

/**
 * What booksim's processes are now, by pid: `storm`, or `worker <function>` (from the
 * configuration in a worker's environment); with their resident memory (MiB) in total.
 * The endpoint is not among them: the benchmark started it and knows its pid.
 */
function booksimProcesses(): { roles: Map<number, string>; rssMiB: number } {
  const roles = new Map<number, string>();
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes('worker-main.js')) {
        const config = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((entry) => entry.startsWith(`${workerConfigVariable}=`));
        roles.set(Number(pid), `worker ${config ? (JSON.parse(config.slice(config.indexOf('=') + 1)) as WorkerConfig).function : '?'}`);
      } else if (cmdline.includes('bin/run.js\0storm')) roles.set(Number(pid), 'storm');
      else if (!cmdline.includes('bin/run.js')) continue;
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kib += rss ? Number(rss[1]) : 0;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return { roles, rssMiB: kib / 1024 };
}

/** The environment that makes every node process started from it (and their children) write a CPU profile into `dir`. */
function profilingEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${JSON.stringify(dir)}`.trim() };
}

interface StormResult {
  date: string;
  node: string;
  cpu: string;
  summary: StormSummary;
  wallMs: number;
  /** CPU ms of each process: the endpoint's from /proc (NaN where there is none), the storm's and the workers' from run.json. */
  cpuMs: { endpoint: number; storm: number; workers: Partial<Record<string, number>> };
  peakRssMiB: number;
  profiled: boolean;
  scenario: string | undefined;
  verdict: VerifyReport | undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rps: { type: 'string', default: '500' }, seconds: { type: 'string', default: '20' }, seats: { type: 'string', default: '100' }, profile: { type: 'string' }, scenario: { type: 'string' } } });
  const profileDir = values.profile && resolve(values.profile);
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const env = profileDir ? profilingEnv(profileDir) : process.env;
  const endpoint = await startBooksimLocal(env);
  const roles = new Map([[endpoint.pid, 'endpoint']]);
  let result: StormResult;
  try {
    const stack = `bench-${Date.now().toString(36)}`;
    await booksim(['deploy', '--endpoint', endpoint.url, '--stack', stack]);
    const reports = mkdtempSync(join(tmpdir(), 'booksim-bench-storm-'));
    const endpointCpuBefore = endpoint.cpuMs() ?? Number.NaN;
    let peakRss = 0;
    const sampler = setInterval(() => {
      const now = booksimProcesses();
      peakRss = Math.max(peakRss, now.rssMiB);
      now.roles.forEach((role, pid) => roles.set(pid, role));
    }, 500);
    const started = Date.now();
    const scenario = values.scenario ? ['--scenario', values.scenario] : [];
    const output = await booksim(['storm', '--endpoint', endpoint.url, '--stack', stack, '--seats', values.seats, '--rps', values.rps, '--duration', `${values.seconds}s`, '--seed', '1', ...scenario, '--reports-dir', reports, '--json'], { env });
    clearInterval(sampler);
    const wallMs = Date.now() - started;
    const summary = JSON.parse(output) as StormSummary;
    const verify = ['verify', '--endpoint', endpoint.url, '--stack', stack, '--run', summary.runDir, '--json'];
    const verdict = values.scenario ? (JSON.parse(await booksim(verify, { answers: [1, 3] })) as VerifyReport) : undefined;
    const { cpu } = JSON.parse(readFileSync(join(summary.runDir, 'run.json'), 'utf8')) as RunJson;
    if (!cpu) throw new Error(`${join(summary.runDir, 'run.json')} has no cpu: the storm recorded no CPU time`);
    result = {
      date: new Date().toISOString(),
      node: process.version,
      cpu: describeMachine(),
      summary,
      wallMs,
      cpuMs: { endpoint: (endpoint.cpuMs() ?? Number.NaN) - endpointCpuBefore, storm: cpu.storm, workers: cpu.workers },
      peakRssMiB: peakRss,
      profiled: profileDir !== undefined,
      scenario: values.scenario,
      verdict,
    };
  } finally {
    // The endpoint writes its profile as it exits.
    await endpoint.stop();
  }
  const rateOk = result.summary.rate.achieved >= targets.rateShare * result.summary.rate.target;
  const decidedOk = result.summary.settle.settled && result.summary.bookings.undecided === 0 && result.summary.settle.waitedMs <= targets.decidedWithinMs;
  const validOk = result.verdict === undefined || result.verdict.verdict === 'valid';
  const section = formatSection(result, rateOk, decidedOk);
  appendSection(section);
  process.stdout.write(section);
  if (profileDir) process.stdout.write(`\n${profileReport(profileDir, roles, Math.max(1, result.summary.bookings.accepted))}\n`);
  process.exitCode = rateOk && decidedOk && validOk ? 0 : 1;
}

/** Every profile in `dir`, named by the role of the process that wrote it, analysed (bench/lib/cpu-profile.ts); also written to `dir`/analysis.txt. */
function profileReport(dir: string, roles: Map<number, string>, bookings: number): string {
  const text = readdirSync(dir)
    .flatMap((name) => {
      const pid = pidOfProfileFile(name);
      return pid === undefined ? [] : [{ name, pid }];
    })
    .map(({ name, pid }) => formatAnalysis(`${roles.get(pid) ?? 'booksim'} (pid ${pid}, ${name})`, analyseProfileFile(join(dir, name)), bookings))
    .join('\n\n');
  writeFileSync(join(dir, 'analysis.txt'), `${text}\n`);
  return text;
}

function formatSection({ date, node, cpu, summary, wallMs, cpuMs, peakRssMiB, profiled, scenario, verdict }: StormResult, rateOk: boolean, decidedOk: boolean): string {
  const p = (x: { p50: number; p90: number; p99: number; max: number }) => `${x.p50.toFixed(0)} / ${x.p90.toFixed(0)} / ${x.p99.toFixed(0)} / ${x.max.toFixed(0)}`;
  const bookings = Math.max(1, summary.bookings.accepted);
  const perBooking = (ms: number) => (ms / bookings).toFixed(2);
  const calls = (n: number | null) => (n === null ? 'n/a' : n.toFixed(1));
  const workers = Object.entries(cpuMs.workers).flatMap(([fn, ms]) => (ms === undefined ? [] : [[fn, ms] as const]));
  const workersMs = workers.reduce((a, [, ms]) => a + ms, 0);
  const booksimMs = cpuMs.storm + workersMs;
  return `
## Storm: ${summary.seats} seats at ${summary.rate.target} rps${scenario ? `, scenario ${scenario}` : ''}, ${date}${profiled ? ' (profiled: every process under --cpu-prof)' : ''}

- Node ${node}; CPU ${cpu}; \`booksim storm --seats ${summary.seats} --rps ${summary.rate.target} --duration …${scenario ? ` --scenario ${scenario}` : ''}\` against \`booksim local\` in its own process
- achieved **${summary.rate.achieved.toFixed(1)} rps (${((100 * summary.rate.achieved) / summary.rate.target).toFixed(1)}% of target)** — ${rateOk ? 'PASS' : 'FAIL'} (target ≥ ${targets.rateShare * 100}%)
- requests ${summary.requests.sent} sent, ${summary.requests.errors} errors, ${summary.requests.non2xx} non-2xx; bookings ${summary.bookings.accepted} accepted, ${summary.bookings.confirmed} confirmed, ${summary.bookings.rejected} rejected, ${summary.bookings.undecided} undecided; seats sold ${summary.seatsSold}
${verdict ? `- verify: **${verdict.verdict.toUpperCase()}** — ${verdict.verdict === 'valid' ? 'PASS' : 'FAIL'} (${verdict.invariants.map((i) => `${i.key} ${i.verdict}`).join(', ')})\n` : ''}- settled ${(summary.settle.waitedMs / 1000).toFixed(1)} s after the load — ${decidedOk ? 'PASS' : 'FAIL'} (every booking decided within ${targets.decidedWithinMs / 1000} s of the end of the load)
- API latency ms (p50 / p90 / p99 / max, from the intended send time): ${p(summary.latency.api)}
- time to decision ms (p50 / p90 / p99 / max): ${p(summary.latency.timeToDecision)}
- AWS calls: ${summary.awsCalls.total} (${(summary.awsCalls.total / bookings).toFixed(1)} per booking: ${Object.entries(summary.awsCalls.byService).map(([s, n]) => `${s} ${(n / bookings).toFixed(1)}`).join(', ')}); per confirmed booking ${calls(summary.awsCalls.perConfirmed)}, per rejected ${calls(summary.awsCalls.perRejected)}, shared per booking ${calls(summary.awsCalls.sharedPerBooking)}
- CPU ms per accepted booking (total s): **all processes ${perBooking(cpuMs.endpoint + booksimMs)}** (${((cpuMs.endpoint + booksimMs) / 1000).toFixed(1)}); endpoint ${perBooking(cpuMs.endpoint)} (${(cpuMs.endpoint / 1000).toFixed(1)}); **booksim's side without the endpoint ${perBooking(booksimMs)}** (${(booksimMs / 1000).toFixed(1)}): storm process ${perBooking(cpuMs.storm)} (${(cpuMs.storm / 1000).toFixed(1)}), workers ${workers.map(([fn, ms]) => `${fn} ${perBooking(ms)} (${(ms / 1000).toFixed(1)})`).join(', ')}
- over ${(wallMs / 1000).toFixed(1)} s wall (2 cores = ${((2 * wallMs) / 1000).toFixed(1)} s available; the endpoint's CPU is from the storm's start to its end, the storm process's from the load's start, each worker's from its ready: run.json's cpu); peak memory of booksim's processes ${peakRssMiB.toFixed(0)} MiB
`;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:storm could not run: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
