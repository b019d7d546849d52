import { Flags } from '@oclif/core';
import { confirmAws } from '../aws/confirm.js';
import { resolveEndpoint } from '../aws/endpoint.js';
import { probeEndpoint } from '../aws/probe.js';
import { BaseCommand } from '../cli/base-command.js';
import { confirmFlags, endpointFlags } from '../cli/flags.js';
import { stormFlags } from '../cli/storm-flags.js';
import { validStackName } from '../deploy/stack.js';
import { exitCodeHelp } from '../errors.js';
import { parseFunctionList, requireGateway, requireSomethingToHost, startWorkerHost } from '../runtime/worker-host.js';
import { workerFunctions } from '../runtime/worker-messages.js';
import { startFailure } from '../storm/system.js';

export default class Worker extends BaseCommand {
  static override summary = "Host the system's functions against a deployed stack, as long-running worker processes, until stopped.";

  static override description = `Starts one supervised worker process per function (--functions, default every function of the stack: the stream functions its topology has a queue for and every saga task), as a storm's workers: each polls its queue or Step Functions activity, heartbeats its tasks, and is restarted when it dies. SQS and Step Functions hand work to whoever polls, so worker hosts can run on any number of machines against one stack, next to a \`storm --workers none\` that sends the load and runs the booking API, the payment gateway and the reconciler.

ValidatePayment and RefundPayment call the payment gateway, which runs in the storm: give its URL with --gateway (start the storm with --gateway-port N to know it in advance: --gateway http://127.0.0.1:N). The gateway listens on 127.0.0.1 only, so those two run on the storm's machine.

--api-port N also serves the booking API (POST /bookings, GET /bookings/:id) on 127.0.0.1:N (0: a free port), with the stack's resources, for a \`storm --api http://127.0.0.1:N\` that sends its load there instead of starting its own; --functions none serves only the API, with no worker process. The API never calls the gateway (in direct-chain it calls inventory and payment itself, and payment starts the saga), so it needs no --gateway. In direct-chain serve it from one host only: first come, first served rests on one API process giving each seat's requests their turns.

The workers take the saga's timing profile and sabotage from the deployed definition. It prints a line per worker started, died or restarted, the booking API's URL, and a ready line; SIGTERM or Ctrl-C stops the workers (each finishes or gives back what it holds), then the booking API, and exits 0. --json prints one summary when it stops (with \`api\`, the API's URL).

Exit codes:
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> worker --stack booksim --gateway http://127.0.0.1:7070',
    '<%= config.bin %> worker --stack booksim --functions inventory,payment,ReserveSeat,IssueTicket,Notify,ReleaseSeat   # no gateway needed',
    '<%= config.bin %> storm --workers none --gateway-port 7070 --bookings 200   # in another shell: the load, the API and the gateway',
    '<%= config.bin %> worker --stack booksim --gateway http://127.0.0.1:7070 --api-port 7080   # the functions and the booking API',
    '<%= config.bin %> worker --stack booksim --functions none --api-port 7080   # the booking API alone',
    '<%= config.bin %> storm --workers none --gateway-port 7070 --api http://127.0.0.1:7080 --bookings 200   # in another shell: the load to that API',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...endpointFlags,
    ...confirmFlags,
    functions: Flags.string({ description: `the functions to host, comma-separated (default: every function of the stack): ${workerFunctions.join(', ')}; none: no worker, only the booking API (needs --api-port)`, helpValue: 'LIST' }),
    'api-port': Flags.integer({ description: 'also serve the booking API on 127.0.0.1 at this port (0: any free one) for a storm --api http://127.0.0.1:N', min: 0, max: 65535, helpValue: 'N' }),
    gateway: Flags.string({ description: "the storm's payment gateway (storm --workers none prints it); required to host ValidatePayment or RefundPayment", helpValue: 'URL' }),
    concurrency: stormFlags.concurrency,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Worker);
    const stack = validStackName(flags.stack);
    const functions = parseFunctionList(flags.functions);
    const apiPort = flags['api-port'];
    requireSomethingToHost(functions, apiPort);
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
        { endpoint, stack, ...(functions ? { functions } : {}), ...(flags.gateway ? { gatewayUrl: flags.gateway } : {}), ...(apiPort === undefined ? {} : { apiPort }), concurrency: flags.concurrency },
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
    const api = host.api?.url;
    if (api) say(`booking API at ${api}`);
    const hosting =
      host.functions.length === 0
        ? 'no worker, only the booking API'
        : `${host.functions.length} worker${host.functions.length === 1 ? '' : 's'} hosting ${host.functions.join(', ')}${api ? ' and the booking API' : ''}`;
    say(`ready: ${hosting} on stack ${stack} (profile ${host.profile}${gateway}); SIGTERM or Ctrl-C to stop`);
    const signal = await stopped;
    if (host.functions.length === 0) say(`stopping the booking API (${signal})`);
    else say(`stopping the workers (${signal}): each finishes or gives back what it holds${api ? '; then the booking API' : ''}`);
    await host.stop();
    say(host.functions.length === 0 ? 'booking API stopped' : `workers stopped${api ? '; booking API stopped' : ''}`);
    return {
      stack,
      functions: host.functions,
      profile: host.profile,
      sabotage: host.sabotage,
      ...(flags.gateway ? { gateway: flags.gateway } : {}),
      ...(api ? { api } : {}),
      started,
      deaths,
      restarts,
      stoppedBy: signal,
    };
  }
}
