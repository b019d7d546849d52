import { createClients } from '../aws/clients.js';
import { defaultEndpointOf, type EndpointConfig, resolveEndpoint } from '../aws/endpoint.js';
import { probeEndpoint } from '../aws/probe.js';
import type { Clock } from '../clock.js';
import { deployStack } from '../deploy/deploy.js';
import type { StackOptions } from '../deploy/stack.js';
import { type EmbeddedEndpoint, startEmbeddedEndpoint } from '../emulator/server.js';
import { BooksimError } from '../errors.js';
import type { StormPlan } from '../model/plan.js';
import { deployedSabotages } from '../model/sabotage.js';
import { writeRunReport } from '../report/html/write-report.js';
import { deployingWhat } from '../report/stack-text.js';
import type { StormSummary, WrittenReport } from '../model/run.js';
import { requireQuotasEnforced } from '../storm/quota-record.js';
import { runStorm, type StormHooks } from '../storm/run-storm.js';
import type { VerifyReport } from '../model/verdict.js';
import { prepareVerify, runVerify } from '../verify/run-verify.js';

/** What `booksim run` is asked to do: where, what to deploy, the storm, the verification. */
export interface PipelineOptions {
  /** --endpoint and --region as given (undefined: the environment's, or the default). */
  endpointFlags: { endpoint?: string | undefined; region?: string | undefined };
  /** How an embedded endpoint started for the run behaves: its standard-queue chaos and the seed of its randomness (the storm's). */
  embedded: EmbeddedChoice;
  /** An endpoint chosen already (by {@link chooseEndpoint}, for several runs): the flags are then not looked at. */
  endpoint?: EndpointConfig;
  deploy: StackOptions;
  storm: StormPlan;
  thresholds: string[];
  /** SLO presets (`design`), checked by the caller. */
  slo?: string[];
  junitFile?: string;
  clock: Clock;
  env?: NodeJS.ProcessEnv;
}

/** The embedded endpoint's settings, should one be started. */
export interface EmbeddedChoice {
  standardQueueChaos: number;
  seed: number;
  /** AWS's throughput quotas to enforce (--aws-quotas): an endpoint not started here must enforce them already. */
  awsQuotas?: { region: string };
}

/** What `booksim run` tells whoever runs it, as it goes. */
export interface PipelineHooks {
  /** One line per step: "deploying…", "verifying…", and where the endpoint came from. */
  onStep?(line: string): void;
  storm?: StormHooks;
}

export interface PipelineResult {
  endpoint: string;
  /** Whether the run used an embedded endpoint started for it. */
  embedded: boolean;
  summary: StormSummary;
  verify: VerifyReport;
  report: WrittenReport;
}

/**
 * deploy → storm → verify → report, on one endpoint (or one per service). When a service's
 * endpoint is not named (no --endpoint, AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE>) and
 * nothing answers at the default one, the embedded endpoint is started in this process on a
 * free loopback port for the run, and stopped after it. Usage errors surface before
 * anything starts (the storm plan is checked by whoever built it).
 */
export async function runPipeline(options: PipelineOptions, hooks: PipelineHooks = {}): Promise<PipelineResult> {
  const step = (line: string) => hooks.onStep?.(line);
  const { endpoint, embedded } = options.endpoint ? { endpoint: options.endpoint } : await chooseEndpoint(options.endpointFlags, options.embedded, options.env ?? process.env, step);
  try {
    const clients = createClients({ endpoint: endpoint.endpoints, region: endpoint.region, local: endpoint.local });
    try {
      // The storm's sabotages of the saga's definition are deployed with it (and only they: a run without one restores the correct saga).
      const sabotage = deployedSabotages.filter((name) => options.deploy.sabotage?.includes(name) || options.storm.chaos.sabotage.includes(name));
      const deploy = { ...options.deploy, sabotage };
      step(`deploying ${deployingWhat(deploy)} to ${endpoint.display}`);
      await deployStack(deploy, { clients, endpoint: endpoint.display, region: endpoint.region });
      const { summary } = await runStorm({ endpoint, stack: options.deploy.stack, ...options.storm, clock: options.clock }, hooks.storm);
      step('verifying the invariants');
      const prepared = await prepareVerify({
        run: summary.runDir,
        reportsDir: options.storm.reportsDir,
        stack: options.deploy.stack,
        thresholds: options.thresholds,
        ...(options.slo !== undefined ? { slo: options.slo } : {}),
        ...(options.junitFile !== undefined ? { junitFile: options.junitFile } : {}),
      });
      const verify = await runVerify(clients, prepared, { endpoint: endpoint.display, clock: options.clock });
      const report = await writeRunReport(summary.runDir);
      return { endpoint: endpoint.display, embedded: embedded !== undefined, summary, verify, report };
    } finally {
      clients.destroy();
    }
  } finally {
    await embedded?.close();
  }
}

/**
 * The endpoints named, and for the services left to the default (no --endpoint,
 * AWS_ENDPOINT_URL or variable of their own) the default when it answers, else an
 * embedded endpoint started here (the caller closes it). An endpoint the user named must
 * answer: only the default is stood in for, so with AWS_ENDPOINT_URL_DYNAMODB alone the
 * tables stay where it says and the other services run on the embedded endpoint.
 */
export async function chooseEndpoint(
  flags: PipelineOptions['endpointFlags'],
  choice: EmbeddedChoice,
  env: NodeJS.ProcessEnv,
  step: (line: string) => void,
): Promise<{ endpoint: EndpointConfig; embedded?: EmbeddedEndpoint }> {
  const endpoint = resolveEndpoint(flags, env);
  const fallback = defaultEndpointOf(env);
  if (endpoint.defaulted.length === 0 || (await answers(resolveEndpoint({ endpoint: fallback, region: flags.region }, {})))) {
    await probeEndpoint(endpoint);
    if (choice.awsQuotas) await requireQuotasEnforced(endpoint.endpoints.sqs, choice.awsQuotas.region);
    return { endpoint };
  }
  const embedded = await startEmbeddedEndpoint({ host: '127.0.0.1', port: 0, ...choice });
  try {
    const standIn = resolveEndpoint(flags, { ...env, AWS_ENDPOINT_URL: embedded.url });
    await probeEndpoint(standIn);
    const quotas = choice.awsQuotas ? `; AWS quotas enforced, ${choice.awsQuotas.region} figures` : '';
    const services = endpoint.defaulted.length === Object.keys(endpoint.endpoints).length ? '' : `${endpoint.defaulted.join(', ')} `;
    step(`nothing answers at ${fallback}: running ${services}on booksim's embedded endpoint at ${embedded.url} for this run (no Docker needed; standard-queue chaos ${choice.standardQueueChaos}${quotas})`);
    return { endpoint: standIn, embedded };
  } catch (error) {
    await embedded.close();
    throw error;
  }
}

/** Whether the endpoint answers; an error that is not the probe's own passes through. */
async function answers(endpoint: EndpointConfig): Promise<boolean> {
  try {
    await probeEndpoint(endpoint);
    return true;
  } catch (error) {
    if (error instanceof BooksimError) return false;
    throw error;
  }
}
