import { confirmAwsFlags } from '../aws/confirm.js';
import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { awsEndpoint } from '../aws/endpoint.js';
import { confirmFlags, deployFlags, embeddedChoiceOf, endpointFlags, proxiedFaults, roleArnOf, standardQueueChaosFlag } from '../cli/flags.js';
import { plannedExposures } from '../cli/sabotage-plans.js';
import { stormFlags, terminalStormHooks } from '../cli/storm-flags.js';
import { systemClock } from '../clock.js';
import { validStackName } from '../deploy/stack.js';
import { BooksimError, ExitCode, exitCodeHelp } from '../errors.js';
import { sabotageNames, type Sabotage } from '../model/sabotage.js';
import { controlStack, runSabotageMatrix, sabotageStack } from '../pipeline/sabotage-matrix.js';
import { openInBrowser } from '../report/html/open.js';
import { sabotageText } from '../report/sabotage-text.js';

export default class SabotageMatrixCommand extends BaseCommand {
  static override summary = 'Switch off each safeguard in turn and show which invariant catches it: the checker proven to bite, end to end.';

  static override description = `For each sabotage (docs/faults.md, Sabotage) it runs the storm that exposes it — a scenario's faults and load, on the topology where the safeguard matters, fast profile — once clean (the control) and once with the sabotage, each deployed into a stack of its own (<stack>-control-<n>, <stack>-<sabotage>; the saga's definition carries the sabotages that live there), verifies both, and prints the matrix: a row per sabotage, a column per invariant (and threshold), each cell saying whether the check that should catch it did, with the first counterexample of each catch. Then one comparison report of all the runs, the matrix on top.

Exit 0 only when every sabotage is caught by what should catch it and every clean control is valid: run it in CI, and a change that blinds a checker fails the build. A run takes a few minutes (every storm is small, but some wait for a task or visibility timeout).

Exit codes:
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> sabotage --seed 1',
    '<%= config.bin %> sabotage --sabotage ack-before-work --sabotage no-heartbeat --open',
    '<%= config.bin %> sabotage --seed 7 --json > matrix.json',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...endpointFlags,
    ...confirmFlags,
    // Standard queues that keep order by default: the clean control of no-conditional-write's exposure (on standard-fanout) must be first come, first served.
    'standard-queue-chaos': standardQueueChaosFlag('0'),
    sabotage: Flags.string({ description: 'the sabotages to run (repeatable; default: all)', multiple: true, options: [...sabotageNames] }),
    seed: Flags.integer({ description: 'seed of every storm (default: random, printed)' }),
    concurrency: stormFlags.concurrency,
    'reports-dir': stormFlags['reports-dir'],
    pricing: stormFlags.pricing,
    'role-arn': deployFlags['role-arn'],
    out: Flags.string({ description: 'where the comparison report with the matrix goes (default: sabotage.html in the reports directory)', helpValue: 'FILE' }),
    open: Flags.boolean({ description: 'open the report in the default browser at the end', default: false }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(SabotageMatrixCommand);
    const roleArn = roleArnOf(flags);
    const human = !this.jsonEnabled();
    const sabotages = (flags.sabotage ?? [...sabotageNames]) as Sabotage[];
    const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 31);
    const exposures = plannedExposures(sabotages, { seed, concurrency: flags.concurrency, reportsDir: flags['reports-dir'], pricing: flags.pricing });
    if (flags.endpoint === awsEndpoint) {
      // The user asked for sabotages, not for the faults that expose them: name those.
      const shown = exposures.filter(({ storm }) => proxiedFaults(storm.chaos.faults).length > 0).flatMap((exposure) => exposure.sabotages);
      if (shown.length > 0) {
        throw new BooksimError(`--endpoint aws: ${shown.join(', ')} ${shown.length > 1 ? 'are' : 'is'} exposed with an AWS fault, which only a local endpoint can inject`, ExitCode.usage, [
          `Give --sabotage without ${shown.join(', ')}, or run the matrix on booksim local.`,
        ]);
      }
    }
    // Every stack name checked before anything starts.
    for (const sabotage of sabotages) validStackName(sabotageStack(flags.stack, sabotage));
    validStackName(controlStack(flags.stack, exposures.length));
    // Bad input is refused before the confirmation's call to AWS.
    await confirmAwsFlags(flags, `create or update a stack per sabotage (${flags.stack}-…), then run a storm on each`);
    const hooks = terminalStormHooks(human, (line) => this.logToStderr(line));
    try {
      const result = await runSabotageMatrix(
        {
          endpointFlags: { endpoint: flags.endpoint, region: flags.region },
          embedded: embeddedChoiceOf({ 'standard-queue-chaos': flags['standard-queue-chaos'] }, seed),
          deploy: { stack: flags.stack, profile: 'fast', maxReceiveCount: 5, ...(roleArn ? { roleArn } : {}) },
          exposures,
          seed,
          out: flags.out ?? join(flags['reports-dir'], 'sabotage.html'),
          clock: systemClock,
        },
        { onStep: (line) => human && this.logToStderr(line), storm: hooks },
      );
      if (human) this.log(sabotageText(result));
      if (flags.open) await openInBrowser(result.report.file, (message) => this.logToStderr(message));
      process.exitCode = result.matrix.passed ? 0 : 1;
      return { endpoint: result.endpoint, seed, passed: result.matrix.passed, report: result.report.file, matrix: result.matrix };
    } finally {
      hooks.release();
    }
  }
}
