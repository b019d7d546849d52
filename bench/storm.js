// The storm benchmark (`npm run bench:storm`): `booksim storm --seats 100 --rps 500
// --duration 20s` against `booksim local` in its own process, on a freshly deployed stack.
// Records the achieved rate, API latency and time-to-decision percentiles, the settle
// time, and the CPU and memory of booksim's processes; appends a section to BENCHMARKS.md.
//
// Usage: npm run bench:storm [-- --rps N --seconds N --seats N]
// Exit codes: 0 the targets were met (≥ 98% of the rate, every booking decided within
//             30 s of the end of the load); 1 they were not; 2 the benchmark could not run.

import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { childrenCpuMs } from './cpu-time.js';
import { startServerProcess } from './server-process.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchmarksFile = join(root, 'BENCHMARKS.md');
const targets = { rateShare: 0.98, decidedWithinMs: 30_000 };

/** Runs `booksim <args>` to completion and returns its stdout; rejects with its stderr. */
function booksim(args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/run.js', ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`booksim ${args[0]} failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** Resident memory (MiB) of every booksim process now: the endpoint, the storm and its workers. */
function booksimRssMiB() {
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('bin/run.js') && !cmdline.includes('worker-main.js')) continue;
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kib += rss ? Number(rss[1]) : 0;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return kib / 1024;
}

async function main() {
  const { values } = parseArgs({ options: { rps: { type: 'string', default: '500' }, seconds: { type: 'string', default: '20' }, seats: { type: 'string', default: '100' } } });
  const endpoint = await startServerProcess({ name: 'booksim local', args: ['bin/run.js', 'local', '--port', '0'], cwd: root, readyPattern: /^booksim local ready at (http:\/\/\S+)/ });
  try {
    const stack = `bench-${Date.now().toString(36)}`;
    await booksim(['deploy', '--endpoint', endpoint.url, '--stack', stack]);
    const reports = mkdtempSync(join(tmpdir(), 'booksim-bench-storm-'));
    const endpointCpuBefore = endpoint.cpuMs();
    const childrenBefore = childrenCpuMs();
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, booksimRssMiB())), 500);
    const started = Date.now();
    const output = await booksim(['storm', '--endpoint', endpoint.url, '--stack', stack, '--seats', values.seats, '--rps', values.rps, '--duration', `${values.seconds}s`, '--seed', '1', '--reports-dir', reports, '--json']);
    clearInterval(sampler);
    const wallMs = Date.now() - started;
    const summary = JSON.parse(output);
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cpu: `${cpus()[0]?.model.trim() ?? 'unknown'}, ${cpus().length} cores`,
      summary,
      wallMs,
      endpointCpuMs: endpoint.cpuMs() - endpointCpuBefore,
      stormCpuMs: childrenCpuMs() - childrenBefore,
      peakRssMiB: peakRss,
    };
    const rateOk = summary.rate.achieved >= targets.rateShare * summary.rate.target;
    const decidedOk = summary.settle.settled && summary.bookings.undecided === 0 && summary.settle.waitedMs <= targets.decidedWithinMs;
    const section = formatSection(result, rateOk, decidedOk);
    appendFileSync(benchmarksFile, section);
    process.stdout.write(section);
    process.exitCode = rateOk && decidedOk ? 0 : 1;
  } finally {
    await endpoint.stop();
  }
}

function formatSection({ date, node, cpu, summary, wallMs, endpointCpuMs, stormCpuMs, peakRssMiB }, rateOk, decidedOk) {
  const p = (x) => `${x.p50.toFixed(0)} / ${x.p90.toFixed(0)} / ${x.p99.toFixed(0)} / ${x.max.toFixed(0)}`;
  const perBooking = summary.awsCalls.total / Math.max(1, summary.bookings.accepted);
  return `
## Storm: ${summary.seats} seats at ${summary.rate.target} rps, ${date}

- Node ${node}; CPU ${cpu}; \`booksim storm --seats ${summary.seats} --rps ${summary.rate.target} --duration …\` against \`booksim local\` in its own process
- achieved **${summary.rate.achieved.toFixed(1)} rps (${((100 * summary.rate.achieved) / summary.rate.target).toFixed(1)}% of target)** — ${rateOk ? 'PASS' : 'FAIL'} (target ≥ ${targets.rateShare * 100}%)
- requests ${summary.requests.sent} sent, ${summary.requests.errors} errors, ${summary.requests.non2xx} non-2xx; bookings ${summary.bookings.accepted} accepted, ${summary.bookings.confirmed} confirmed, ${summary.bookings.rejected} rejected, ${summary.bookings.undecided} undecided; seats sold ${summary.seatsSold}
- settled ${(summary.settle.waitedMs / 1000).toFixed(1)} s after the load — ${decidedOk ? 'PASS' : 'FAIL'} (every booking decided within ${targets.decidedWithinMs / 1000} s of the end of the load)
- API latency ms (p50 / p90 / p99 / max, from the intended send time): ${p(summary.latency.api)}
- time to decision ms (p50 / p90 / p99 / max): ${p(summary.latency.timeToDecision)}
- AWS calls: ${summary.awsCalls.total} (${perBooking.toFixed(1)} per booking: ${Object.entries(summary.awsCalls.byService).map(([s, n]) => `${s} ${(n / Math.max(1, summary.bookings.accepted)).toFixed(1)}`).join(', ')})
- CPU: booksim local ${(endpointCpuMs / 1000).toFixed(1)} s, storm with its workers ${(stormCpuMs / 1000).toFixed(1)} s, over ${(wallMs / 1000).toFixed(1)} s wall (2 cores = ${(2 * wallMs / 1000).toFixed(1)} s available); peak memory of booksim's processes ${peakRssMiB.toFixed(0)} MiB
`;
}

main().catch((error) => {
  process.stderr.write(`bench:storm could not run: ${error.message}\n`);
  process.exitCode = 2;
});
