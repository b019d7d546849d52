import { Flags } from '@oclif/core';
import chalk from 'chalk';
import { parseFaultSpec, withOverrides } from '../faults/spec.js';
import { readPriceTable } from '../cost/pricing.js';
import { deployedSabotages, type Sabotage, sabotageCatalog, sabotageNames } from '../model/sabotage.js';
import { parseDuration } from '../duration.js';
import { parseShard, validateLoadShape } from '../load/plan.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { StormPlan } from '../model/plan.js';
import { formatSettleProgress } from '../report/storm-text.js';
import { scenarioNamed } from '../scenarios/index.js';
import { planFaults } from '../faults/registry.js';
import { faultCatalog } from '../model/fault.js';
import type { StormHooks } from '../storm/run-storm.js';
import { liveDisplay } from './live-display.js';

/** The flags of a storm, shared by `booksim storm` and `booksim run`. */
export const stormFlags = {
  seats: Flags.integer({ description: 'seats on sale', default: 100 }),
  event: Flags.string({
    description: "the event whose seats go on sale (seat ids NAME/S0001…); default: a new event per run, named after the run id. Name an earlier run's event to book its seats again: those already sold are rejected",
    helpValue: 'NAME',
  }),
  rps: Flags.string({ description: 'target rate of booking requests per second', default: '50' }),
  duration: Flags.string({ description: 'how long to send (500ms, 20s, 2m); or give --bookings', exclusive: ['bookings'] }),
  bookings: Flags.integer({ description: 'how many booking requests to send, instead of --duration', exclusive: ['duration'] }),
  contention: Flags.string({ description: "mean number of requests per requested seat (≥ 1) [default: 3, or the scenario's]" }),
  duplicates: Flags.string({ description: "share of requests that are client retries with the same requestId (0–1) [default: 0.1, or the scenario's]" }),
  vip: Flags.string({ description: "share of VIP customers (0–1) [default: 0.1, or the scenario's]" }),
  scenario: Flags.string({ description: 'a chaos preset: load shape plus fault schedule (`booksim scenarios` lists them)' }),
  fault: Flags.string({ description: "add a fault or override a scenario's, NAME:key=value,… (repeatable)", multiple: true, default: [] }),
  sabotage: Flags.string({
    description: `switch a safeguard off to see what breaks (repeatable); ${deployedSabotages.join(', ')} live in the saga's definition: the stack must be deployed with them (deploy --sabotage; run does it)`,
    multiple: true,
    options: [...sabotageNames],
    default: [],
  }),
  seed: Flags.integer({ description: 'seed for the whole run (default: random, recorded in run.json)' }),
  'settle-timeout': Flags.string({ description: 'how long to wait for the system to settle after the load', default: '60s' }),
  concurrency: Flags.integer({ description: 'message groups or saga tasks each worker process handles at once', default: 16, min: 1, max: 256 }),
  'reports-dir': Flags.string({ description: 'where run directories are written', default: 'reports' }),
  workers: Flags.string({
    description: 'local: a worker process per function in this storm; none: no workers here — `booksim worker --stack S --gateway URL` hosts the functions (on this or other machines)',
    options: ['local', 'none'],
    default: 'local',
  }),
  api: Flags.string({
    description: "send the load to the booking API at this URL instead of starting one in this storm (booksim worker --api-port N serves one at http://127.0.0.1:N, in another process of this machine); it must serve this storm's --stack, which the storm checks first. Its AWS calls and usage are not in this run's figures",
    helpValue: 'URL',
  }),
  'gateway-port': Flags.integer({ description: 'the payment gateway\'s port on 127.0.0.1 (0: any free one); fix it to start `booksim worker --gateway http://127.0.0.1:N` before the storm', default: 0, min: 0, max: 65535 }),
  shard: Flags.string({
    description: 'send only this host\'s part of the plan: shard i of n sends every request whose index mod n is i − 1, at rate / n, with the same ids and send times as the whole plan (needs --seed; merge the shards\' run directories with booksim merge)',
    helpValue: 'i/n',
  }),
  pricing: Flags.string({ description: "the price table the run's cost is worked out with (JSON, as booksim's pricing/aws-us-east-1.json) [default: AWS us-east-1]", helpValue: 'FILE' }),
};

/** The parsed values of {@link stormFlags}. */
export interface StormFlagValues {
  seats: number;
  event?: string | undefined;
  rps: string;
  duration?: string | undefined;
  bookings?: number | undefined;
  contention?: string | undefined;
  duplicates?: string | undefined;
  vip?: string | undefined;
  scenario?: string | undefined;
  fault: string[];
  sabotage: string[];
  seed?: number | undefined;
  'settle-timeout': string;
  concurrency: number;
  'reports-dir': string;
  pricing?: string | undefined;
  shard?: string | undefined;
  workers?: string | undefined;
  api?: string | undefined;
  'gateway-port'?: number | undefined;
}

/**
 * The storm flags of a command that verifies what it storms (`run`, `compare`): a shard
 * is a part of a plan, verified only once merged with the others (`booksim merge`).
 */
export function wholeStormPlanOf(flags: StormFlagValues): StormPlan {
  if (flags.shard !== undefined) {
    throw new BooksimError('--shard sends a part of the plan, which is verified only once merged with the other parts', ExitCode.usage, [
      'Run each part with booksim storm --shard i/n, then booksim merge DIR… and booksim verify --run <merged>.',
    ]);
  }
  // They deploy the stack they storm: an API served elsewhere would serve another one.
  if (flags.api !== undefined) {
    throw new BooksimError('--api is for booksim storm on a deployed stack: this command deploys its own stack and serves its booking API itself', ExitCode.usage, [
      'Drop --api, or deploy, then run booksim storm --api URL.',
    ]);
  }
  return stormPlanOf(flags);
}

/** The sabotage that lives in the booking API (src/model/sabotage.ts, site): an API served elsewhere does not take the storm's. */
export const apiSabotages: readonly Sabotage[] = sabotageNames.filter((name) => sabotageCatalog[name].site === 'booking API');

/**
 * Reads `--api URL`: an http:// URL with no path (the load speaks plain HTTP, and the API
 * serves /bookings at its root), as booksim worker --api-port prints it. Anything else, or
 * a sabotage that lives in the booking API (the API served there does not take the
 * storm's), is a usage error in one line.
 */
export function apiUrlOf(value: string, sabotage: readonly string[]): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  // The booking API is served at its root (POST /bookings).
  if (!url || url.protocol !== 'http:' || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new BooksimError(`--api: ${JSON.stringify(value)} is not an http:// URL of a booking API (e.g. http://127.0.0.1:7080, as booksim worker --api-port 7080 serves it)`, ExitCode.usage);
  }
  const inApi = apiSabotages.filter((name) => sabotage.includes(name));
  if (inApi.length > 0) {
    throw new BooksimError(`--api: the booking API at ${value} does not take this storm's sabotage ${inApi.join(', ')}, which lives in the booking API; drop --api to run it in this storm's own API`, ExitCode.usage);
  }
  return value;
}

/** Reads and checks the storm flags: usage errors (exit 2) before anything starts. */
export function stormPlanOf(flags: StormFlagValues): StormPlan {
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  // Every shard must plan the same requests: a random seed would differ from host to host.
  if (shard && flags.seed === undefined) throw new BooksimError('--shard needs --seed: every shard of a plan must be given the same seed and load flags', ExitCode.usage, ['e.g. --shard 1/2 --seed 42']);
  const scenario = flags.scenario === undefined ? undefined : scenarioNamed(flags.scenario);
  const faults = withOverrides(scenario?.faults ?? [], flags.fault.map(parseFaultSpec));
  const shape = validateLoadShape({
    seats: flags.seats,
    ...(flags.event !== undefined ? { event: flags.event } : {}),
    rps: Number(flags.rps),
    contention: Number(flags.contention ?? scenario?.shape.contention ?? 3),
    duplicates: Number(flags.duplicates ?? scenario?.shape.duplicates ?? 0.1),
    vip: Number(flags.vip ?? scenario?.shape.vip ?? 0.1),
    seed: flags.seed ?? Math.floor(Math.random() * 2 ** 31),
    ...(flags.bookings !== undefined ? { bookings: flags.bookings } : { durationSeconds: parseDuration(flags.duration ?? '10s', '--duration') / 1000 }),
  });
  // Every fault's parameters read now: a bad one is a usage error before anything starts.
  planFaults(faults);
  const workers = flags.workers === 'none' ? 'none' : 'local';
  const workerFault = workers === 'none' ? faults.find((fault) => faultCatalog[fault.name].target === 'worker') : undefined;
  if (workerFault) throw new BooksimError(`--workers none: ${workerFault.name} is a worker fault, and needs the workers in this storm's process (--workers local)`, ExitCode.usage);
  const api = flags.api === undefined ? undefined : apiUrlOf(flags.api, flags.sabotage);
  return {
    shape,
    chaos: { ...(scenario ? { scenario: scenario.name } : {}), faults, sabotage: flags.sabotage as Sabotage[] },
    settleTimeoutMs: parseDuration(flags['settle-timeout'], '--settle-timeout'),
    concurrency: flags.concurrency,
    reportsDir: flags['reports-dir'],
    ...(workers === 'none' ? { workers } : {}),
    ...(api !== undefined ? { api } : {}),
    ...(flags['gateway-port'] ? { gatewayPort: flags['gateway-port'] } : {}),
    // Read now: a bad table is a usage error before anything starts.
    pricing: readPriceTable(flags.pricing),
    ...(shard ? { shard } : {}),
  };
}

/**
 * The storm's hooks for a terminal: phases on stderr; the live status while the load runs
 * (src/cli/live-display.ts: a block redrawn in place when stderr is a terminal, plain
 * lines every 5 s otherwise); the settle's progress on one rewritten line when stderr is
 * a terminal; nothing when `human` is false (--json). Ctrl-C stops the load, a second one
 * the settle; `release` removes the handler.
 */
export function terminalStormHooks(human: boolean, logToStderr: (line: string) => void): StormHooks & { release(): void } {
  const stopLoad = new AbortController();
  const stopSettle = new AbortController();
  const live = liveDisplay({ write: (text) => process.stderr.write(text), tty: process.stderr.isTTY === true, columns: () => process.stderr.columns });
  const onSigint = () => {
    if (!stopLoad.signal.aborted) {
      live.leave();
      logToStderr('stopping the load; waiting for the system to settle (Ctrl-C again to stop waiting)');
      stopLoad.abort();
    } else stopSettle.abort();
  };
  process.on('SIGINT', onSigint);
  // A progress line is rewritten in place; the next phase's line starts below it.
  let progressShown = false;
  const progress = (line: string) => {
    if (!human || !process.stderr.isTTY) return;
    process.stderr.write(`\r  ${line}   `);
    progressShown = true;
  };
  return {
    loadSignal: stopLoad.signal,
    settleSignal: stopSettle.signal,
    onPhase: (_phase, detail) => {
      if (!human) return;
      if (progressShown) process.stderr.write('\n');
      progressShown = false;
      live.leave();
      logToStderr(detail);
    },
    onWarning: (line) => {
      if (!human) return;
      live.leave();
      logToStderr(chalk.yellow(line));
    },
    onLiveStatus: (status) => {
      if (human) live.show(status);
    },
    onSettleProgress: (snapshot, elapsedMs) => progress(formatSettleProgress(snapshot, elapsedMs)),
    release: () => process.off('SIGINT', onSigint),
  };
}
