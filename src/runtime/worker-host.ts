import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { fileURLToPath } from 'node:url';
import { startBookingServer, type BookingServer } from '../api/booking-server.js';
import { teardown } from '../async.js';
import type { AwsClients } from '../aws/clients.js';
import { createClients } from '../aws/clients.js';
import { systemClock } from '../clock.js';
import type { EndpointConfig, ServiceKey } from '../aws/endpoint.js';
import { awsFailure } from '../aws/errors.js';
import { profileOfDefinition, sabotageOfDefinition, sagaTasks, type TimingProfileName } from '../deploy/saga.js';
import { queueOf, streamFunctions, type StackNames } from '../deploy/stack.js';
import { BooksimError, ExitCode } from '../errors.js';
import { resolveResources } from '../functions/resources.js';
import type { FunctionContext, FunctionResources } from '../functions/model.js';
import type { Sabotage } from '../model/sabotage.js';
import { Supervisor } from './supervisor.js';
import { workerFunctions, type WorkerConfig, type WorkerFunction } from './worker-messages.js';

/** The functions that call the payment gateway: a host of any of them needs its URL. */
export const gatewayFunctions: readonly WorkerFunction[] = ['ValidatePayment', 'RefundPayment'];

/** Every function a stack's workers host: the stream functions its topology has a queue for, and every saga task. */
export function stackFunctions(names: StackNames): WorkerFunction[] {
  return [...streamFunctions.filter((fn) => queueOf(names, fn)), ...sagaTasks];
}

/**
 * Reads `--functions` (comma-separated, any order, repeats ignored) into the functions in
 * workerFunctions order; undefined or empty: undefined (every function of the stack);
 * `none`: no function (the host serves only the booking API, `--api-port`). An unknown
 * name, or `none` with others, is a usage error that names the known ones.
 */
export function parseFunctionList(list: string | undefined): WorkerFunction[] | undefined {
  const asked = (list ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (asked.length === 0) return undefined;
  if (asked.includes('none')) {
    if (asked.some((name) => name !== 'none')) throw new BooksimError('--functions: none hosts no function, so it cannot be listed with others', ExitCode.usage);
    return [];
  }
  const unknown = asked.filter((name) => !(workerFunctions as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new BooksimError(`--functions: unknown function${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the functions are ${workerFunctions.join(', ')}`, ExitCode.usage);
  }
  return workerFunctions.filter((fn) => asked.includes(fn));
}

/** A usage error when `functions` includes one that calls the payment gateway and no gateway URL is given. */
export function requireGateway(functions: readonly WorkerFunction[] | undefined, gatewayUrl: string | undefined): void {
  const needing = (functions ?? workerFunctions).filter((fn) => gatewayFunctions.includes(fn));
  if (needing.length > 0 && !gatewayUrl) {
    throw new BooksimError(`--gateway URL is required to host ${needing.join(' and ')}: they call the payment gateway, which runs in the storm (storm --workers none prints its URL)`, ExitCode.usage, [
      'Start the storm with --gateway-port N and pass --gateway http://127.0.0.1:N, or host only --functions that do not call it.',
    ]);
  }
}

/**
 * A usage error when the host would host nothing: `--functions none` and no booking API
 * (`--api-port`). `apiPort` 0 is a free port, so an API.
 */
export function requireSomethingToHost(functions: readonly WorkerFunction[] | undefined, apiPort: number | undefined): void {
  if (functions !== undefined && functions.length === 0 && apiPort === undefined) {
    throw new BooksimError('--functions none hosts no worker: give --api-port N to serve only the booking API, or name the functions to host', ExitCode.usage);
  }
}

/** What the workers of a stack are started with, read from the deployed stack. */
export interface WorkerSetup {
  resources: FunctionResources;
  /** The timing profile the deployed saga was generated for (workers pace their heartbeats by it). */
  profile: TimingProfileName;
  /** The sabotage the saga's definition was deployed with (`deploy --sabotage`), in catalog order. */
  deployedSabotage: Sabotage[];
}

/** Looks the stack up: its resources, and its saga's profile and sabotage (from the deployed definition). */
export async function readWorkerSetup(clients: AwsClients, stack: string, gatewayUrl: string): Promise<WorkerSetup> {
  const resources = await resolveResources(clients, stack, gatewayUrl);
  const { definition } = await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: resources.stateMachineArn }));
  return {
    resources,
    profile: (definition && profileOfDefinition(definition)) || 'fast',
    deployedSabotage: definition ? sabotageOfDefinition(definition) : [],
  };
}

export const defaultWorkerScript = fileURLToPath(new URL('./worker-main.js', import.meta.url));

/** What {@link workerSupervisor} needs: the functions, one process each, and the workers' shared configuration. */
export interface WorkerSupervisorOptions {
  functions: readonly WorkerFunction[];
  concurrency: number;
  endpoint: string | Record<ServiceKey, string>;
  region: string;
  stack: string;
  gatewayUrl: string;
  profile: TimingProfileName;
  sabotage: readonly Sabotage[];
  coldStartMs?: number;
  script?: string;
}

/** The supervisor of one worker process per function, configured as a storm's workers are. */
export function workerSupervisor(options: WorkerSupervisorOptions): Supervisor {
  const config: Omit<WorkerConfig, 'function' | 'concurrency'> = {
    endpoint: options.endpoint,
    ...(options.sabotage.length > 0 ? { sabotage: [...options.sabotage] } : {}),
    region: options.region,
    stack: options.stack,
    gatewayUrl: options.gatewayUrl,
    profile: options.profile,
    coldStartMs: options.coldStartMs ?? 0,
  };
  return new Supervisor({
    plan: options.functions.map((fn) => ({ function: fn, concurrency: options.concurrency, processes: 1 })),
    config,
    script: options.script ?? defaultWorkerScript,
  });
}

/** How `booksim worker` hosts functions. */
export interface WorkerHostOptions {
  endpoint: EndpointConfig;
  stack: string;
  /** The functions to host; default every function of the stack. */
  functions?: readonly WorkerFunction[];
  /** The payment gateway's URL (the storm's); required when hosting ValidatePayment or RefundPayment. */
  gatewayUrl?: string;
  /**
   * Also serve the booking API on 127.0.0.1 at this port (0: a free one), for a storm that
   * sends its load there (`storm --api URL`); absent: no API.
   */
  apiPort?: number;
  concurrency: number;
  script?: string;
}

/** A running worker host. */
export interface WorkerHost {
  supervisor: Supervisor;
  functions: WorkerFunction[];
  profile: TimingProfileName;
  sabotage: Sabotage[];
  /** The booking API this host serves (`apiPort`); absent when it serves none. */
  api?: BookingServer;
  /** Stops the workers (each finishes or gives back what it holds), then the booking API when it serves one, and the API's clients. */
  stop(): Promise<void>;
}

/**
 * Hosts the system's functions against a deployed stack, one supervised worker process per
 * function, as a storm's workers (restarted when they die; heartbeats and cold starts as
 * configured), until stop(). With `apiPort` it also serves the booking API, as a storm
 * does (src/storm/system.ts), with the stack's resources and the sabotage of its saga's
 * definition. Resolves once the API listens and every worker is ready. A function the
 * stack's topology has no queue for is a usage error; a stack not deployed or a port in
 * use, an environment error. `beforeStart` is called with the supervisor before any worker
 * starts (to subscribe to its events).
 */
export async function startWorkerHost(options: WorkerHostOptions, beforeStart?: (supervisor: Supervisor) => void): Promise<WorkerHost> {
  requireSomethingToHost(options.functions, options.apiPort);
  requireGateway(options.functions, options.gatewayUrl);
  const clients = createClients({ endpoint: options.endpoint.endpoints, region: options.endpoint.region, local: options.endpoint.local });
  // The clients outlive the look-up only to serve the booking API.
  const closing = teardown(async () => clients.destroy());
  const close = closing.run;
  // The workers that do not call the gateway never use the URL (nor does the booking API); they still need one to resolve their resources.
  const gatewayUrl = options.gatewayUrl ?? 'http://127.0.0.1:9';
  let setup: WorkerSetup;
  try {
    setup = await readWorkerSetup(clients, options.stack, gatewayUrl);
  } catch (error) {
    await close();
    throw awsFailure(error, `look up stack ${options.stack}`, options.endpoint.display);
  }
  if (options.apiPort === undefined) await close();
  const available = stackFunctions(setup.resources.names);
  const functions = options.functions ? [...options.functions] : available;
  const missing = functions.filter((fn) => !available.includes(fn));
  if (missing.length > 0) {
    await close();
    throw new BooksimError(`stack ${options.stack}'s topology (${setup.resources.topology}) has no queue for ${missing.join(', ')}`, ExitCode.usage, [`Its functions are ${available.join(', ')}.`]);
  }
  let api: BookingServer | undefined;
  if (options.apiPort !== undefined) {
    const sabotage = setup.deployedSabotage.length > 0 ? { sabotage: new Set(setup.deployedSabotage) } : {};
    const context: FunctionContext = { clients, resources: setup.resources, clock: systemClock, ...sabotage };
    try {
      api = await startBookingServer(context, { port: options.apiPort });
    } catch (error) {
      await close();
      throw error;
    }
    const server = api;
    closing.push(() => server.close());
  }
  const supervisor = workerSupervisor({
    functions,
    concurrency: options.concurrency,
    endpoint: options.endpoint.endpoints,
    region: options.endpoint.region,
    stack: options.stack,
    gatewayUrl,
    profile: setup.profile,
    sabotage: setup.deployedSabotage,
    ...(options.script ? { script: options.script } : {}),
  });
  // Stopped first, then the API, as a storm stops its system.
  closing.push(() => supervisor.stop());
  beforeStart?.(supervisor);
  try {
    await supervisor.start();
  } catch (error) {
    await close();
    throw error;
  }
  return { supervisor, functions, profile: setup.profile, sabotage: setup.deployedSabotage, ...(api ? { api } : {}), stop: close };
}
