import { Flags } from '@oclif/core';
import { confirmAws } from '../aws/confirm.js';
import { resolveEndpoint } from '../aws/endpoint.js';
import { probeEndpoint } from '../aws/probe.js';
import { BaseCommand } from '../cli/base-command.js';
import { confirmFlags, endpointFlags } from '../cli/flags.js';
import { stormFlags } from '../cli/storm-flags.js';
import { validStackName } from '../deploy/stack.js';
import { exitCodeHelp } from '../errors.js';
import { parseFunctionList, requireGateway, startWorkerHost } from '../runtime/worker-host.js';
import { workerFunctions } from '../runtime/worker-messages.js';
import { startFailure } from '../storm/system.js';

export default class Worker extends BaseCommand {
  static override summary = "Host the system's functions against a deployed stack, as long-running worker processes, until stopped.";

  static override description = `Starts one supervised worker process per function (--functions, default every function of the stack: the stream functions its topology has a queue for and every saga task), as a storm's workers: each polls its queue or Step Functions activity, heartbeats its tasks, and is restarted when it dies. SQS and Step Functions hand work to whoever polls, so worker hosts can run on any number of machines against one stack, next to a \`storm --workers none\` that sends the load and runs the booking API, the payment gateway and the reconciler.

ValidatePayment and RefundPayment call the payment gateway, which runs in the storm: give its URL with --gateway (start the storm with --gateway-port N to know it in advance: --gateway http://127.0.0.1:N). The gateway listens on 127.0.0.1 only, so those two run on the storm's machine.

The workers take the saga's timing profile and sabotage from the deployed definition. It prints a line per worker started, died or restarted and a ready line; SIGTERM or Ctrl-C stops the workers (each finishes or gives back what it holds) and exits 0. --json prints one summary when it stops.

Exit codes:
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> worker --stack booksim --gateway http://127.0.0.1:7070',
    '<%= config.bin %> worker --stack booksim --functions inventory,payment,ReserveSeat,IssueTicket,Notify,ReleaseSeat   # no gateway needed',
    '<%= config.bin %> storm --workers none --gateway-port 7070 --bookings 200   # in another shell: the load, the API and the gateway',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...endpointFlags,
    ...confirmFlags,
    functions: Flags.string({ description: `the functions to host, comma-separated (default: every function of the stack): ${workerFunctions.join(', ')}`, helpValue: 'LIST' }),
    gateway: Flags.string({ description: "the storm's payment gateway (storm --workers none prints it); required to host ValidatePayment or RefundPayment", helpValue: 'URL' }),
    concurrency: stormFlags.concurrency,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Worker);
    const stack = validStackName(flags.stack);
    const functions = parseFunctionList(flags.functions);
    requireGateway(functions, flags.gateway);
    const endpoint = resolveEndpoint(flags);
    await confirmAws(endpoint, `run the functions of stack ${stack}: take its messages and tasks and write its tables`, { yes: flags.yes });
    await probeEndpoint(endpoint);
    const human = !this.jsonEnabled();
    const say = (line: string) => {
      if (human) this.log(line);
    };
    let started = 0;
    let restarts = 0;
    let deaths = 0;
    // Signals that come while the workers start stop them as soon as they are up.
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    let host;
    try {
      host = await startWorkerHost(
        { endpoint, stack, ...(functions ? { functions } : {}), ...(flags.gateway ? { gatewayUrl: flags.gateway } : {}), concurrency: flags.concurrency },
        (supervisor) => {
          supervisor.on('ready', (worker) => {
            started += 1;
            say(`worker ${worker.pid} (${worker.function}) ready`);
          });
          supervisor.on('exit', (exit) => {
            deaths += 1;
            const why = exit.signal ?? `code ${exit.code}`;
            const last = exit.stderr.trim().split('\n').at(-1);
            say(`worker ${exit.pid} (${exit.function}) died (${why})${last ? `: ${last}` : ''}; restarting`);
          });
          supervisor.on('restart', (worker) => {
            restarts += 1;
            say(`worker ${worker.pid} (${worker.function}) restarted, replacing ${worker.previousPid}`);
          });
        },
      );
    } catch (error) {
      throw startFailure(error, { endpoint, stack });
    }
    const gateway = flags.gateway ? `, gateway ${flags.gateway}` : '';
    say(`ready: ${host.functions.length} worker${host.functions.length === 1 ? '' : 's'} hosting ${host.functions.join(', ')} on stack ${stack} (profile ${host.profile}${gateway}); SIGTERM or Ctrl-C to stop`);
    const signal = await stopped;
    say(`stopping the workers (${signal}): each finishes or gives back what it holds`);
    await host.stop();
    say('workers stopped');
    return { stack, functions: host.functions, profile: host.profile, sabotage: host.sabotage, ...(flags.gateway ? { gateway: flags.gateway } : {}), started, deaths, restarts, stoppedBy: signal };
  }
}
