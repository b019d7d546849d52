import { Flags } from '@oclif/core';
import { confirmAwsFlags } from '../aws/confirm.js';
import { BaseCommand } from '../cli/base-command.js';
import { awsQuotasFlags, confirmFlags, deployFlags, embeddedChoiceOf, embeddedEndpointFlags, endpointFlags, refuseLocalOnlyOnAws, stackOptionsOf, thresholdsOf, verifyFlags } from '../cli/flags.js';
import { stormFlags, terminalStormHooks, wholeStormPlanOf } from '../cli/storm-flags.js';
import { systemClock } from '../clock.js';
import type { Topology } from '../model/topology.js';
import { exitCodeHelp } from '../errors.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { openInBrowser } from '../report/html/open.js';
import { stormSummaryText } from '../report/storm-text.js';
import { verifyText } from '../report/verify-text.js';

export default class Run extends BaseCommand {
  static override summary = 'deploy → storm → verify → report in one command; exit code = verify\'s.';

  static override description = `Deploys the stack (idempotent), runs the storm, verifies the invariants and writes the HTML report, with the flags of each. When no endpoint is named (no --endpoint, no AWS_ENDPOINT_URL) and nothing answers at http://localhost:4566 (or BOOKSIM_DEFAULT_ENDPOINT), it starts booksim's embedded endpoint in this process for the run and says so: no Docker needed. A service named on its own (AWS_ENDPOINT_URL_DYNAMODB, …) keeps its endpoint, which must answer; only the services left to the default run on the embedded one.

Exit codes (verify's; usage and environment errors as everywhere):
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> run --scenario heartbeat-crash --bookings 200 --open',
    '<%= config.bin %> run --seats 100 --rps 200 --duration 20s --threshold "decision.p99<5000"',
    '<%= config.bin %> run --scenario kitchen-sink --slo design --threshold "calls.per_booking<40"',
    '<%= config.bin %> run --endpoint http://localhost:4566 --scenario kitchen-sink --junit junit.xml',
    '<%= config.bin %> run --scenario stuck-orders --sabotage new-key-on-retry   # exits 1: verify finds the double charge',
    '<%= config.bin %> run --scenario heartbeat-crash --sabotage no-heartbeat --threshold "crash.detection.max<4000"   # deploys the saga without heartbeats; exits 1',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...endpointFlags,
    ...confirmFlags,
    ...deployFlags,
    ...stormFlags,
    ...verifyFlags,
    ...embeddedEndpointFlags,
    ...awsQuotasFlags,
    open: Flags.boolean({ description: 'open the report in the default browser at the end', default: false }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Run);
    // Bad input is refused before the confirmation's call to AWS.
    const deploy = stackOptionsOf(flags);
    const storm = wholeStormPlanOf(flags);
    refuseLocalOnlyOnAws(flags, storm.chaos.faults);
    await confirmAwsFlags(flags, `create or update the resources of stack ${flags.stack}, then run a storm on it`);
    const human = !this.jsonEnabled();
    const thresholds = thresholdsOf(flags);
    const hooks = terminalStormHooks(human, (line) => this.logToStderr(line));
    try {
      const result = await runPipeline(
        {
          endpointFlags: { endpoint: flags.endpoint, region: flags.region },
          embedded: embeddedChoiceOf(flags, storm.shape.seed),
          deploy: { ...deploy, topology: flags.topology as Topology },
          storm,
          ...thresholds,
          ...(flags.junit !== undefined ? { junitFile: flags.junit } : {}),
          clock: systemClock,
        },
        { onStep: (line) => human && this.logToStderr(line), storm: hooks },
      );
      if (human) {
        this.log(stormSummaryText(result.summary));
        this.log('');
        this.log(verifyText(result.verify));
        this.log(`\nreport: ${result.report.file}`);
      }
      if (flags.open) await openInBrowser(result.report.file, (message) => this.logToStderr(message));
      // Set after printing, so the verdict (and --json) is out before the exit code says it.
      process.exitCode = result.verify.exitCode;
      return { endpoint: result.endpoint, embedded: result.embedded, storm: result.summary, verify: result.verify, report: result.report.file };
    } finally {
      hooks.release();
    }
  }
}
