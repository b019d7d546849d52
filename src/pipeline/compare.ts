import type { StormPlan } from '../model/plan.js';
import type { Clock } from '../clock.js';
import type { StackOptions } from '../deploy/stack.js';
import type { Topology } from '../model/topology.js';
import { writeComparisonReport } from '../report/html/write-report.js';
import type { ComparisonResult, StormSummary, TopologyOutcome } from '../model/run.js';
import type { Verdict } from '../model/verdict.js';
import { chooseEndpoint, type PipelineHooks, type PipelineOptions, runPipeline } from './run-pipeline.js';

/**
 * What each topology is expected to give under duplicates and faults (docs/design.md,
 * Topologies): the design's answer and the synchronous chain hold the invariants; the
 * standard fan-out (no order) and the shared queue (each message reaches one function)
 * break them.
 */
export const expectedVerdicts: Record<Topology, Verdict> = {
  'fifo-fanout': 'valid',
  'standard-fanout': 'invalid',
  'shared-queue': 'invalid',
  'direct-chain': 'valid',
};

function tableFigures({ latency, awsCalls, bookings, cost }: StormSummary): Pick<TopologyOutcome, 'apiP99Ms' | 'decisionP99Ms' | 'callsPerBooking' | 'costPerBooking'> {
  const p99 = ({ p99, count }: { p99: number; count: number }) => (count === 0 ? undefined : p99);
  return {
    apiP99Ms: p99(latency.api),
    decisionP99Ms: p99(latency.timeToDecision),
    callsPerBooking: bookings.accepted === 0 ? undefined : awsCalls.total / bookings.accepted,
    costPerBooking: cost?.perBooking ?? undefined,
  };
}

/** The stack a topology is deployed into for a comparison: `<stack>-<topology>`. */
export const topologyStack = (stack: string, topology: Topology): string => `${stack}-${topology}`;

export interface CompareOptions {
  endpointFlags: PipelineOptions['endpointFlags'];
  embedded: PipelineOptions['embedded'];
  /** The stack options but the topology; each topology deploys into `<stack>-<topology>`. */
  deploy: Omit<StackOptions, 'topology'>;
  topologies: Topology[];
  /** The same storm (same seed, same load, same faults) for every topology. */
  storm: StormPlan;
  thresholds: string[];
  /** SLO presets (`design`), checked by the caller. */
  slo?: string[];
  /** Where the comparison report goes. */
  out: string;
  clock: Clock;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs the same storm against each topology in turn — deploy into a stack of its own,
 * storm, verify, report — on one endpoint (the embedded one, started once, when nothing
 * answers at the default), then writes one comparison report of all the runs. Answers
 * whether every topology's verdict is the expected one, so that a CI job can treat the
 * harness's own answer to the design question as a regression test.
 */
export async function runComparison(options: CompareOptions, hooks: PipelineHooks = {}): Promise<ComparisonResult> {
  const step = (line: string) => hooks.onStep?.(line);
  const { endpoint, embedded } = await chooseEndpoint(options.endpointFlags, options.embedded, options.env ?? process.env, step);
  try {
    const outcomes: TopologyOutcome[] = [];
    for (const topology of options.topologies) {
      const stack = topologyStack(options.deploy.stack, topology);
      step(`topology ${topology}: stack ${stack}`);
      const result = await runPipeline(
        { endpointFlags: options.endpointFlags, embedded: options.embedded, endpoint, deploy: { ...options.deploy, stack, topology }, storm: options.storm, thresholds: options.thresholds, ...(options.slo !== undefined ? { slo: options.slo } : {}), clock: options.clock },
        hooks,
      );
      const expected = expectedVerdicts[topology];
      outcomes.push({
        topology,
        stack,
        expected,
        verdict: result.verify.verdict,
        matches: result.verify.verdict === expected,
        violated: result.verify.invariants.filter((i) => i.verdict !== 'valid').map((i) => `${i.key} ${i.verdict}`),
        ...tableFigures(result.summary),
        summary: result.summary,
        verify: result.verify,
      });
    }
    const report = await writeComparisonReport(
      outcomes.map((outcome) => outcome.summary.runDir),
      options.out,
      { expected: outcomes.map((outcome) => outcome.expected) },
    );
    return { endpoint: endpoint.display, outcomes, matches: outcomes.every((outcome) => outcome.matches), report };
  } finally {
    await embedded?.close();
  }
}
