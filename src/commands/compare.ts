import { Flags } from '@oclif/core';
import { confirmAwsFlags } from '../aws/confirm.js';
import { BaseCommand } from '../cli/base-command.js';
import { awsQuotasFlags, confirmFlags, deployFlags, embeddedChoiceOf, embeddedEndpointFlags, endpointFlags, refuseLocalOnlyOnAws, stackOptionsOf, thresholdsOf, verifyFlags } from '../cli/flags.js';
import { stormFlags, terminalStormHooks, wholeStormPlanOf } from '../cli/storm-flags.js';
import { systemClock } from '../clock.js';
import { validStackName } from '../deploy/stack.js';
import { topologies, type Topology } from '../model/topology.js';
import { exitCodeHelp } from '../errors.js';
import { runComparison, topologyStack } from '../pipeline/compare.js';
import { compareText } from '../report/compare-text.js';
import { openInBrowser } from '../report/html/open.js';
import { defaultComparisonFile } from '../report/html/write-report.js';

const { topology: _oneTopology, ...stackFlags } = deployFlags;

export default class Compare extends BaseCommand {
  static override summary = 'Run the same storm against each topology and compare: the design question, answered with measurements.';

  static override description = `For each topology in turn it deploys a stack of its own (<stack>-<topology>), runs the same storm (same seed, load and faults), verifies it and writes its report; then one comparison report with the invariants side by side, latency percentiles overlaid, throughput, and AWS calls and cost per booking (at the price table of --pricing). The topologies: fifo-fanout (SNS FIFO → SQS FIFO, the design's answer), standard-fanout (standard SNS → standard SQS), shared-queue (one standard queue polled by both functions), direct-chain (the API calls inventory, then payment, synchronously).

The expectation, under duplicates: fifo-fanout and direct-chain valid (direct-chain with the client waiting for the whole chain); standard-fanout invalid (queues that reorder serve a seat out of turn: first-come-first-served); shared-queue invalid (each message reaches only one function: bookings never decided, nothing-lost). Exit 0 when every topology gives what is expected, so CI can run it as a regression test of the harness itself.

When nothing answers at the default endpoint, it runs on an embedded one whose standard queues duplicate, delay and shuffle deliveries (--standard-queue-chaos, default 0.2). LocalStack's standard queues keep order: there, the duplicates scenario's late-delivery fault (workers sitting on a share of messages) is what lets a later booking overtake.

Exit codes:
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> compare --scenario duplicates --fault aws-latency:rate=0.5,ms=1500,service=dynamodb,operation=UpdateItem --sabotage no-conditional-write --seats 6 --bookings 40 --rps 20 --contention 4',
    '<%= config.bin %> compare --scenario duplicates --open',
    '<%= config.bin %> compare --topologies fifo-fanout --topologies standard-fanout --out compare.html --json',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...endpointFlags,
    ...confirmFlags,
    ...stackFlags,
    ...stormFlags,
    threshold: verifyFlags.threshold,
    slo: verifyFlags.slo,
    ...embeddedEndpointFlags,
    ...awsQuotasFlags,
    topologies: Flags.string({ description: 'the topologies to compare (repeatable; default: all)', multiple: true, options: [...topologies] }),
    out: Flags.string({ description: 'where the comparison report goes (default: compare.html in the reports directory)', helpValue: 'FILE' }),
    open: Flags.boolean({ description: 'open the comparison report in the default browser at the end', default: false }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Compare);
    // Bad input is refused before the confirmation's call to AWS.
    const deploy = stackOptionsOf(flags);
    const storm = wholeStormPlanOf(flags);
    refuseLocalOnlyOnAws(flags, storm.chaos.faults);
    await confirmAwsFlags(flags, `create or update a stack per topology (${flags.stack}-…), then run a storm on each`);
    const human = !this.jsonEnabled();
    const thresholds = thresholdsOf(flags);
    const chosen = (flags.topologies ?? [...topologies]) as Topology[];
    // Checked before anything starts: each topology's stack name is the base name and a suffix.
    for (const topology of chosen) validStackName(topologyStack(flags.stack, topology));
    const hooks = terminalStormHooks(human, (line) => this.logToStderr(line));
    try {
      const result = await runComparison(
        {
          endpointFlags: { endpoint: flags.endpoint, region: flags.region },
          embedded: embeddedChoiceOf(flags, storm.shape.seed),
          deploy,
          topologies: chosen,
          storm,
          ...thresholds,
          out: flags.out ?? defaultComparisonFile(flags['reports-dir']),
          clock: systemClock,
        },
        { onStep: (line) => human && this.logToStderr(line), storm: hooks },
      );
      if (human) this.log(compareText(result));
      if (flags.open) await openInBrowser(result.report.file, (message) => this.logToStderr(message));
      process.exitCode = result.matches ? 0 : 1;
      return {
        endpoint: result.endpoint,
        matches: result.matches,
        report: result.report.file,
        topologies: result.outcomes.map(({ summary, verify, ...outcome }) => ({ ...outcome, runDir: summary.runDir, invariants: verify.invariants })),
      };
    } finally {
      hooks.release();
    }
  }
}
