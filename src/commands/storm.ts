import { Flags } from '@oclif/core';
import { confirmAws } from '../aws/confirm.js';
import { resolveEndpoint } from '../aws/endpoint.js';
import { probeEndpoint } from '../aws/probe.js';
import { BaseCommand } from '../cli/base-command.js';
import { awsQuotasFlags, awsQuotasOf, confirmFlags, endpointFlags, refuseLocalOnlyOnAws } from '../cli/flags.js';
import { apiSabotages, stormFlags, stormPlanOf, terminalStormHooks } from '../cli/storm-flags.js';
import { systemClock } from '../clock.js';
import { validStackName } from '../deploy/stack.js';
import { exitCodeHelp } from '../errors.js';
import { writeRunReport } from '../report/html/write-report.js';
import { stormSummaryText } from '../report/storm-text.js';
import { requireQuotasEnforced } from '../storm/quota-record.js';
import { runStorm } from '../storm/run-storm.js';

export default class Storm extends BaseCommand {
  static override summary = 'Fire concurrent duplicate seat bookings at a target rate, wait until the system settles, and report.';

  static override description = `Starts the system under test against a deployed stack — the simulated payment gateway, the booking API on 127.0.0.1 and one worker process per function (inventory, payment, each saga task) — then sends POST /bookings on an open-loop schedule at --rps, each request a distinct booking: seats drawn from --seats with --contention requests per seat, a share of --duplicates client retries (same requestId) and of --vip customers, all reproducible by --seed. After the load it waits until the queues are empty and no saga runs (--settle-timeout), reads every booking's outcome, and writes reports/<run-id>/ (run.json, requests.json, decisions.json, samples.json, ledger.jsonl, histograms.json, faults.json, workers.jsonl, and report.html unless --no-report) and reports/latest.

While the load runs it shows, about once a second, the achieved rate against the target, errors, requests in flight, the API's p99 so far, bookings decided and pending, sagas running, queue depths and faults fired (redrawn in place on a terminal, a plain line every 5 s otherwise, nothing with --json). The summary adds what the run cost (its metered AWS usage at the price table of --pricing, per booking and per 1,000,000) and where the saga's time went (each step's wait for a worker and work, from every execution's history; the slowest step named).

Events: seats stay sold on a stack, so each storm puts its own inventory on sale, a new event named after the run id (seat ids <event>/S0001…), and a second storm on the stack has seats to sell too. --event NAME books the seats of a named event instead, so that a later run can go for the same seats on purpose; when some of them are sold already, it says so before the load (their bookings are rejected). booksim status lists the events on a stack; verify judges a run's seat rules on its event's seats.

Faults (every one and its parameters: docs/faults.md): --scenario picks a preset (load shape + fault schedule; booksim scenarios lists them), --fault NAME:key=value,… adds faults or overrides a preset's (gateway and worker faults also take from= and for=, their window; leaving it is the heal; the aws-* faults last the whole run), --seed repeats their timing. Every injection is logged in faults.json. --sabotage switches a safeguard off, to see what breaks without it: ten realistic mistakes, one per safeguard (docs/faults.md, Sabotage; booksim sabotage runs them all and shows what catches each). Those of the saga's definition (no-heartbeat, no-task-timeout, skip-compensation-on-timeout) need a stack deployed with them (deploy --sabotage; run deploys it itself).

AWS's throughput quotas: against \`booksim local --aws-quotas REGION\`, the summary names every quota the run hit (the limit, the booking rate when it was first hit, how often it throttled, how to lift it), or says none was. --aws-quotas REGION checks that the endpoint enforces that region's quotas and exits 2 if it does not (\`booksim run --aws-quotas REGION\` starts such an endpoint itself).

Many hosts: --workers none starts no worker process (booksim worker --stack S --gateway URL hosts the functions, on this or other machines); --api URL sends the load to a booking API served elsewhere (booksim worker --api-port N) instead of starting one here, after checking that it answers as one (exit 4 if not); its AWS calls and usage are then not in the run's figures, and the sabotage that lives in the API (${apiSabotages.join(', ')}) cannot be asked for. The storm still runs the payment gateway and the reconciler, and waits for the system to settle. --shard i/n sends one part of a seeded plan (booksim merge joins the parts).

Ctrl-C stops the load and still waits for the system to settle; a second Ctrl-C stops waiting. What was recorded is kept.

Exit codes:
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> storm --seats 100 --rps 500 --duration 20s',
    '<%= config.bin %> storm --seats 10 --bookings 100 --contention 5 --duplicates 0.2 --seed 7',
    '<%= config.bin %> storm --rps 50 --duration 10s --json',
    '<%= config.bin %> storm --event concert --seats 50 --bookings 200   # run again: the seats of event concert once more',
    '<%= config.bin %> storm --scenario heartbeat-crash --bookings 60',
    '<%= config.bin %> storm --scenario declines --fault payment-decline:rate=0.5 --fault cold-start:ms=800',
    '<%= config.bin %> storm --scenario stuck-orders --sabotage new-key-on-retry   # see what breaks',
    '<%= config.bin %> storm --scenario slow-step --bookings 60   # IssueTicket 3 s slower: the summary names the slowest step',
    '<%= config.bin %> storm --aws-quotas us-east-1 --rps 500 --duration 10s   # against booksim local --aws-quotas us-east-1',
    '<%= config.bin %> storm --pricing my-prices.json   # cost at your own price table',
    '<%= config.bin %> storm --workers none --gateway-port 7070 --bookings 200   # the functions on booksim worker --gateway http://127.0.0.1:7070 hosts',
    '<%= config.bin %> storm --workers none --gateway-port 7070 --api http://127.0.0.1:7080 --bookings 200   # the API too: booksim worker --gateway http://127.0.0.1:7070 --api-port 7080',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...endpointFlags,
    ...confirmFlags,
    ...stormFlags,
    ...awsQuotasFlags,
    report: Flags.boolean({ description: 'write the HTML report (report.html in the run directory) at the end', default: true, allowNo: true }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Storm);
    const stack = validStackName(flags.stack);
    const endpoint = resolveEndpoint(flags);
    const plan = stormPlanOf(flags);
    refuseLocalOnlyOnAws(flags, plan.chaos.faults);
    const awsQuotas = awsQuotasOf(flags);
    await confirmAws(endpoint, `start saga executions, send messages and write the tables of stack ${stack}`, { yes: flags.yes });
    await probeEndpoint(endpoint);
    if (awsQuotas) await requireQuotasEnforced(endpoint.endpoints.sqs, awsQuotas.region);

    const human = !this.jsonEnabled();
    const hooks = terminalStormHooks(human, (line) => this.logToStderr(line));
    try {
      const { summary } = await runStorm({ endpoint, stack, ...plan, clock: systemClock }, hooks);
      const report = flags.report ? await writeRunReport(summary.runDir) : undefined;
      if (human) {
        this.log(stormSummaryText(summary));
        if (report) this.log(`report:   ${report.file}`);
      }
      return { ...summary, ...(report ? { report: report.file } : {}) };
    } finally {
      hooks.release();
    }
  }
}
