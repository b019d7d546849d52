import { Flags } from '@oclif/core';
import { resolveEndpoint } from '../aws/endpoint.js';
import { probeEndpoint } from '../aws/probe.js';
import { BaseCommand } from '../cli/base-command.js';
import { endpointFlags } from '../cli/flags.js';
import { systemClock } from '../clock.js';
import { validStackName } from '../deploy/stack.js';
import { parseDuration } from '../duration.js';
import { validateLoadShape } from '../load/plan.js';
import { parseFaultSpec, withOverrides } from '../chaos/faults.js';
import { sabotageNames, type Sabotage } from '../chaos/model.js';
import { scenarioNamed } from '../scenarios/index.js';
import { exitCodeHelp } from '../errors.js';
import { formatSettleProgress, stormSummaryText } from '../report/storm-text.js';
import { checkFaults } from '../storm/chaos.js';
import { runStorm } from '../storm/run-storm.js';

export default class Storm extends BaseCommand {
  static override summary = 'Fire concurrent duplicate seat bookings at a target rate, wait until the system settles, and report.';

  static override description = `Starts the system under test against a deployed stack — the simulated payment gateway, the booking API on 127.0.0.1 and one worker process per function (inventory, payment, each saga task) — then sends POST /bookings on an open-loop schedule at --rps, each request a distinct booking: seats drawn from --seats with --contention requests per seat, a share of --duplicates client retries (same requestId) and of --vip customers, all reproducible by --seed. After the load it waits until the queues are empty and no saga runs (--settle-timeout), reads every booking's outcome, and writes reports/<run-id>/ (run.json, requests.json, ledger.jsonl, histograms.json) and reports/latest.

Faults (DESIGN.md §3): --scenario picks a preset (load shape + fault schedule; booksim scenarios lists them), --fault NAME:key=value,… adds faults or overrides a preset's (every fault also takes from= and for=, its window; leaving it is the heal), --seed repeats their timing. Every injection is logged in faults.json. --sabotage switches a safeguard off, to see what breaks without it: new-key-on-retry makes the reconciler restart sagas with a new payment idempotency key.

Ctrl-C stops the load and still waits for the system to settle; a second Ctrl-C stops waiting. What was recorded is kept.

Exit codes:
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> storm --seats 100 --rps 500 --duration 20s',
    '<%= config.bin %> storm --seats 10 --bookings 100 --contention 5 --duplicates 0.2 --seed 7',
    '<%= config.bin %> storm --rps 50 --duration 10s --json',
    '<%= config.bin %> storm --scenario heartbeat-crash --bookings 60',
    '<%= config.bin %> storm --scenario declines --fault payment-decline:rate=0.5 --fault cold-start:ms=800',
    '<%= config.bin %> storm --scenario stuck-orders --sabotage new-key-on-retry   # see what breaks',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...endpointFlags,
    seats: Flags.integer({ description: 'seats on sale', default: 100 }),
    rps: Flags.string({ description: 'target rate of booking requests per second', default: '50' }),
    duration: Flags.string({ description: 'how long to send (500ms, 20s, 2m); or give --bookings', exclusive: ['bookings'] }),
    bookings: Flags.integer({ description: 'how many booking requests to send, instead of --duration', exclusive: ['duration'] }),
    contention: Flags.string({ description: 'mean number of requests per requested seat (≥ 1) [default: 3, or the scenario\'s]' }),
    duplicates: Flags.string({ description: 'share of requests that are client retries with the same requestId (0–1) [default: 0.1, or the scenario\'s]' }),
    vip: Flags.string({ description: 'share of VIP customers (0–1) [default: 0.1, or the scenario\'s]' }),
    scenario: Flags.string({ description: 'a chaos preset: load shape plus fault schedule (`booksim scenarios` lists them)' }),
    fault: Flags.string({ description: 'add a fault or override a scenario\'s, NAME:key=value,… (repeatable)', multiple: true, default: [] }),
    sabotage: Flags.string({ description: 'switch a safeguard off to see what breaks (repeatable)', multiple: true, options: [...sabotageNames], default: [] }),
    seed: Flags.integer({ description: 'seed for the whole run (default: random, recorded in run.json)' }),
    'settle-timeout': Flags.string({ description: 'how long to wait for the system to settle after the load', default: '60s' }),
    concurrency: Flags.integer({ description: 'message groups or saga tasks each worker process handles at once', default: 16, min: 1, max: 256 }),
    'reports-dir': Flags.string({ description: 'where run directories are written', default: 'reports' }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Storm);
    const stack = validStackName(flags.stack);
    const endpoint = resolveEndpoint(flags);
    const scenario = flags.scenario === undefined ? undefined : scenarioNamed(flags.scenario);
    const faults = withOverrides(scenario?.faults ?? [], flags.fault.map(parseFaultSpec));
    const shape = validateLoadShape({
      seats: flags.seats,
      rps: Number(flags.rps),
      contention: Number(flags.contention ?? scenario?.shape.contention ?? 3),
      duplicates: Number(flags.duplicates ?? scenario?.shape.duplicates ?? 0.1),
      vip: Number(flags.vip ?? scenario?.shape.vip ?? 0.1),
      seed: flags.seed ?? Math.floor(Math.random() * 2 ** 31),
      ...(flags.bookings !== undefined ? { bookings: flags.bookings } : { durationSeconds: parseDuration(flags.duration ?? '10s', '--duration') / 1000 }),
    });
    const settleTimeoutMs = parseDuration(flags['settle-timeout'], '--settle-timeout');
    checkFaults(faults);
    await probeEndpoint(endpoint);

    const stopLoad = new AbortController();
    const stopSettle = new AbortController();
    const onSigint = () => {
      if (!stopLoad.signal.aborted) {
        this.logToStderr('stopping the load; waiting for the system to settle (Ctrl-C again to stop waiting)');
        stopLoad.abort();
      } else stopSettle.abort();
    };
    process.on('SIGINT', onSigint);
    const human = !this.jsonEnabled();
    try {
      const { summary } = await runStorm(
        {
          endpoint,
          stack,
          shape,
          settleTimeoutMs,
          concurrency: flags.concurrency,
          reportsDir: flags['reports-dir'],
          clock: systemClock,
          chaos: { ...(scenario ? { scenario: scenario.name } : {}), faults, sabotage: flags.sabotage as Sabotage[] },
        },
        {
          loadSignal: stopLoad.signal,
          settleSignal: stopSettle.signal,
          onPhase: (_phase, detail) => human && this.logToStderr(detail),
          onLoadProgress: (p) => human && process.stderr.isTTY && process.stderr.write(`\r  sent ${p.sent}, answered ${p.completed}, ${(p.elapsedMs / 1000).toFixed(1)} s   `),
          onSettleProgress: (snapshot, elapsedMs) => human && process.stderr.isTTY && process.stderr.write(`\r  ${formatSettleProgress(snapshot, elapsedMs)}   `),
        },
      );
      if (human) {
        if (process.stderr.isTTY) process.stderr.write('\n');
        this.log(stormSummaryText(summary));
      }
      return summary;
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
}
