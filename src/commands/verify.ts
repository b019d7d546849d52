import { Flags } from '@oclif/core';
import { AwsCommand } from '../cli/aws-command.js';
import { endpointFlags, verifyFlags } from '../cli/flags.js';
import { systemClock } from '../clock.js';
import { validStackName } from '../deploy/stack.js';
import { BooksimError, exitCodeHelp } from '../errors.js';
import { writeRunReport } from '../report/html/write-report.js';
import { type WrittenReport } from '../model/run.js';
import { verifyText } from '../report/verify-text.js';
import { prepareVerify, runVerify } from '../verify/run-verify.js';
import { sloExpressions } from '../verify/slo-presets.js';
import { thresholdStepNames } from '../verify/threshold-metrics.js';

export default class Verify extends AwsCommand {
  static override summary = 'Check the booking invariants of a run, with counterexamples; exit 0 valid, 1 violated, 3 unknown.';

  static override description = `Reads the stack's DynamoDB tables, its saga executions and queues, and the run directory (request log, gateway ledger, histograms), then checks the eight invariants of the booking system: no double booking, first come first served, payment only for the holder, reassignment, exactly-once effects, nothing lost, no limbo, compensation complete. Each one is valid, invalid (with counterexamples: the seat, the bookings, their events in time order) or unknown (the data to decide is missing — never a silent pass). Thresholds in the k6 style fail the run when a latency percentile, a rate, a count or the cost is out of bounds; --slo adds a preset of them.

Writes verify.json and junit.xml into the run directory, and rewrites its report.html with the verdict (unless --no-report); --junit FILE writes a copy for CI.

Thresholds: a latency is <metric>.<statistic><operator><ms>, with statistics p50, p90, p99, p99.9, any p<number>, max: api (request latency), decision (request → CONFIRMED/REJECTED/PAYMENT_FAILED), vip.decision, standard.decision, <step>.wait, <step>.work, <step>.backoff, <step>.total (a saga step waiting for a worker, working, backing off, in all), crash.detection (kill → the timeout that noticed it; p50, p90, p99, p99.9 and max only). A rate is a ratio from 0 to 1 (0.99, or 99%): saga.success_rate (executions SUCCEEDED of those that ended), compensation_rate (executions that compensated), <step>.failure_rate (entries of a step that failed once its retries were spent), rate.achieved_ratio (achieved over target rate; may pass 1). Counts and cost: decision.undecided (bookings left undecided), calls.per_booking (AWS calls per accepted booking), cost.per_booking (in the price table's currency). <step> is ${thresholdStepNames.join(', ')}, in any case; validate and reserve cover the VIP fast path's states too. A metric the run did not record (an older run, no crash, no VIP booking) is unknown, never a pass.

--slo design adds the design's SLOs: ${sloExpressions('design', 'realistic').join(', ')} at the realistic profile; latency limits scale with the run's profile by the worst-case duration of each tier's path through the saga (fast: ${sloExpressions('design', 'fast').slice(0, 2).join(', ')}).

Exit codes:
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> verify',
    '<%= config.bin %> verify --run latest --threshold "decision.p99<2000" --threshold "api.p99.9<500"',
    '<%= config.bin %> verify --threshold "saga.success_rate>0.99" --threshold "reserve.failure_rate<5%" --threshold "vip.decision.p99<120000"',
    '<%= config.bin %> verify --slo design --junit slo-junit.xml',
    '<%= config.bin %> verify --threshold "issueticket.work.p99<1000" --threshold "calls.per_booking<40" --threshold "cost.per_booking<0.0001"',
    '<%= config.bin %> verify --run 2026-11-23T09-03-08Z-e909 --junit verify-junit.xml',
    '<%= config.bin %> verify --json',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...endpointFlags,
    stack: Flags.string({ description: 'stack to read (default: the one the run names in run.json)' }),
    run: Flags.string({ description: 'run id, `latest`, or the path of a run directory', default: 'latest' }),
    'reports-dir': Flags.string({ description: 'where run directories are', default: 'reports' }),
    ...verifyFlags,
    report: Flags.boolean({ description: "rewrite the run's report.html with the verdict", default: true, allowNo: true }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Verify);
    const stack = flags.stack === undefined ? undefined : validStackName(flags.stack);
    const human = !this.jsonEnabled();
    const prepared = await prepareVerify({
      run: flags.run,
      reportsDir: flags['reports-dir'],
      ...(stack !== undefined ? { stack } : {}),
      thresholds: flags.threshold,
      slo: flags.slo,
      ...(flags.junit !== undefined ? { junitFile: flags.junit } : {}),
    });
    const report = await this.withEndpoint(flags, (clients, endpoint) =>
      runVerify(clients, prepared, { endpoint: endpoint.display, clock: systemClock }, { onPhase: (detail) => human && this.logToStderr(detail) }),
    );
    const html = flags.report ? await this.rewriteReport(report.runDir) : undefined;
    if (human) {
      this.log(verifyText(report));
      if (html) this.log(`report: ${html.file}`);
    }
    // Set after printing, so the verdict (and --json) is out before the exit code says it.
    process.exitCode = report.exitCode;
    return report;
  }

  /** The verdict stands without a report: a run that cannot be drawn (no run.json) is said so, not failed for. */
  private async rewriteReport(runDir: string): Promise<WrittenReport | undefined> {
    try {
      return await writeRunReport(runDir);
    } catch (error) {
      if (!(error instanceof BooksimError)) throw error;
      this.logToStderr(`no report.html: ${error.message}`);
      return undefined;
    }
  }
}
