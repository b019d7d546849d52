import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import type { Clock } from '../clock.js';
import { BooksimError, ExitCode } from '../errors.js';
import { findRunDir, requestIdPrefix, writeRunFile } from '../run-dir/location.js';
import { bookingIdOfExecution } from '../functions/reconciler.js';
import { collectStackEvidence, sagaTimeline } from './collect.js';
import { earlierFirst } from './invariants/booking-facts.js';
import { invariantCheckers } from './invariants/index.js';
import type { DescribedChecker } from './invariants/result.js';
import { junitXml } from '../report/junit.js';
import type { VerifyEvidence } from './model.js';
import type { InvariantResult, Threshold, ThresholdResult, Verdict, VerifyReport } from '../model/verdict.js';
import { readRunFiles, type RunFiles } from '../run-dir/read.js';
import { sloPresetsOf, sloThresholds } from './slo-presets.js';
import { evaluateThresholds, parseThreshold } from './thresholds.js';

/** What a verification is asked to do. */
export interface VerifyOptions {
  /** A run id, `latest`, or the path of a run directory. */
  run: string;
  /** Where run ids are looked up (`reports`). */
  reportsDir: string;
  /** The stack to read; default the one run.json names. */
  stack?: string;
  /** k6-style threshold expressions (`decision.p99<2000`). */
  thresholds: string[];
  /** SLO presets (`design`), whose thresholds follow these, resolved for the run's profile. */
  slo?: string[];
  /** Where to write a copy of the JUnit report, besides the run directory. */
  junitFile?: string;
}

/** A verification with its input checked and the run directory read: nothing asked of the endpoint yet. */
export interface PreparedVerify {
  runId: string;
  runDir: string;
  stack: string;
  files: RunFiles;
  thresholds: Threshold[];
  junitFile?: string;
}

/** What a verification tells whoever runs it, as it goes. */
export interface VerifyHooks {
  onPhase?(detail: string): void;
}

/** Saga histories are read for the bookings of at most this many counterexamples (each costs a paginated GetExecutionHistory). */
const sagaTimelinesRead = 25;

/**
 * Checks what can be checked without the endpoint — the thresholds parse, the run exists
 * and its files read, the stack is known — so that a usage error (exit 2) comes before
 * any AWS call.
 */
export async function prepareVerify(options: VerifyOptions): Promise<PreparedVerify> {
  const thresholds = options.thresholds.map(parseThreshold);
  const presets = sloPresetsOf(options.slo ?? []);
  const runDir = await findRunDir(options.reportsDir, options.run);
  const files = await readRunFiles(runDir);
  const { runId } = files;
  // A shard's ledger and request log are its part only; its bookings are the whole plan's (they share the plan's requestIds).
  if (files.plan?.shard) {
    const { index, count } = files.plan.shard;
    throw new BooksimError(`run ${runId} is shard ${index}/${count} of plan ${files.plan.id}: verify the merged run`, ExitCode.usage, ["Merge the shards' run directories first: booksim merge DIR… (every shard of the plan)."]);
  }
  thresholds.push(...sloThresholds(presets, files.summary?.profile, runId));
  const stack = options.stack ?? files.stack;
  if (stack === undefined) {
    throw new BooksimError(`run ${runId} does not say which stack it ran on (no run.json)`, ExitCode.usage, ['Name it with --stack NAME.']);
  }
  return { runId, runDir, stack, files, thresholds, ...(options.junitFile !== undefined ? { junitFile: options.junitFile } : {}) };
}

/**
 * Verifies a prepared run: reads the stack's tables, executions and queues, checks the
 * invariants (docs/design.md, Invariants) and the thresholds, adds the saga's own history to the first
 * counterexamples, and writes verify.json and junit.xml into the run directory (and the
 * JUnit report to `junitFile` when asked).
 */
export async function runVerify(
  clients: AwsClients,
  prepared: PreparedVerify,
  context: { endpoint: string; clock: Clock },
  hooks: VerifyHooks = {},
): Promise<VerifyReport> {
  const { runId, runDir, stack, files } = prepared;
  hooks.onPhase?.(`reading stack ${stack}: bookings, seats, tickets, executions, queues`);
  const evidence: VerifyEvidence = {
    ...(await collectStackEvidence(clients, stack, requestIdPrefix(runId))),
    runId,
    requestIdPrefix: requestIdPrefix(runId),
    ...(files.ledger ? { ledger: files.ledger } : {}),
    ...(files.requests ? { requests: files.requests } : {}),
    ...(files.settled !== undefined ? { settled: files.settled } : {}),
    ...(files.topology !== undefined ? { topology: files.topology } : {}),
    ...(files.event !== undefined ? { event: files.event } : {}),
  };

  hooks.onPhase?.(`checking ${invariantCheckers.length} invariants over ${evidence.bookings.length} bookings`);
  const invariants = invariantCheckers.map((check) => checkSafely(check, evidence));
  await addSagaTimelines(clients, evidence, invariants);
  const thresholdResults = evaluateThresholds(prepared.thresholds, files);

  const verdict = overallVerdict(invariants, thresholdResults);
  const report: VerifyReport = {
    runId,
    runDir,
    stack,
    ...(files.event !== undefined ? { event: files.event } : {}),
    endpoint: context.endpoint,
    verifiedAt: new Date(context.clock.now()).toISOString(),
    verdict,
    exitCode: verdict === 'valid' ? ExitCode.ok : verdict === 'invalid' ? ExitCode.invalid : ExitCode.unknown,
    invariants,
    thresholds: thresholdResults,
  };
  const junit = junitXml(report);
  await writeRunFile(runDir, 'verify.json', report);
  await writeFile(join(runDir, 'junit.xml'), junit);
  if (prepared.junitFile !== undefined) await writeFile(prepared.junitFile, junit);
  return report;
}

/** A checker that throws says unknown, with the error: one broken checker must not hide the others' verdicts. */
function checkSafely(check: DescribedChecker, evidence: VerifyEvidence): InvariantResult {
  try {
    return check(evidence);
  } catch (error) {
    const { id, key, title, checkedWhat } = check.describe;
    return { id, key, title, verdict: 'unknown', checked: 0, checkedWhat, violations: 0, counterexamples: [], note: `the checker failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** invalid > unknown > valid, as Jepsen merges checkers; a breached threshold is invalid, an undecidable one unknown. */
function overallVerdict(invariants: InvariantResult[], thresholds: ThresholdResult[]): Verdict {
  const verdicts: Verdict[] = [
    ...invariants.map((result) => result.verdict),
    ...thresholds.map((result): Verdict => (result.verdict === 'breached' ? 'invalid' : result.verdict === 'unknown' ? 'unknown' : 'valid')),
  ];
  if (verdicts.includes('invalid')) return 'invalid';
  if (verdicts.includes('unknown')) return 'unknown';
  return 'valid';
}

/** Merges each involved booking's saga history into the time lines of the first counterexamples. */
async function addSagaTimelines(clients: AwsClients, evidence: VerifyEvidence, invariants: InvariantResult[]): Promise<void> {
  const executionsOf = Map.groupBy(evidence.executions, (execution) => bookingIdOfExecution(execution.name));
  const counterexamples = invariants.flatMap((result) => result.counterexamples).slice(0, sagaTimelinesRead);
  const read = new Map<string, ReturnType<typeof sagaTimeline>>();
  for (const counterexample of counterexamples) {
    const histories = counterexample.bookingIds.flatMap((bookingId) =>
      (executionsOf.get(bookingId) ?? []).map(({ executionArn }) => {
        if (!read.has(executionArn)) read.set(executionArn, sagaTimeline(clients, executionArn));
        return read.get(executionArn)!;
      }),
    );
    const sagaEvents = (await Promise.all(histories)).flat();
    counterexample.events = [...counterexample.events, ...sagaEvents].sort((a, b) => earlierFirst(a.at, b.at));
  }
}
