import { createClients, type AwsClients } from '../aws/clients.js';
import { confirmAws } from '../aws/confirm.js';
import { resolveEndpoint, type EndpointConfig } from '../aws/endpoint.js';
import { probeEndpoint } from '../aws/probe.js';
import { BaseCommand } from './base-command.js';

/** A command that talks to an AWS endpoint: resolves it, checks it answers, then hands out clients. */
export abstract class AwsCommand extends BaseCommand {
  /**
   * Resolves --endpoint/--region, checks that the endpoint answers (a one-line error with
   * how to start one if not), and runs `work` with clients that are released afterwards.
   * With `confirm`, real AWS (`--endpoint aws`) is acted on only once confirmed ({@link confirmAws}).
   */
  protected async withEndpoint<T>(
    flags: { endpoint?: string | undefined; region?: string | undefined },
    work: (clients: AwsClients, config: EndpointConfig) => Promise<T>,
    confirm?: { what: string; yes: boolean },
  ): Promise<T> {
    const config = resolveEndpoint(flags);
    if (confirm) await confirmAws(config, confirm.what, { yes: confirm.yes });
    await probeEndpoint(config);
    const clients = createClients({ endpoint: config.endpoints, region: config.region, local: config.local });
    try {
      return await work(clients, config);
    } finally {
      clients.destroy();
    }
  }
}
