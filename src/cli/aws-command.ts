import { createClients, type AwsClients } from '../aws/clients.js';
import { resolveEndpoint, type EndpointConfig } from '../aws/endpoint.js';
import { probeEndpoint } from '../aws/probe.js';
import { BaseCommand } from './base-command.js';

/** A command that talks to an AWS endpoint: resolves it, checks it answers, then hands out clients. */
export abstract class AwsCommand extends BaseCommand {
  /**
   * Resolves --endpoint/--region, checks that the endpoint answers (a one-line error with
   * how to start one if not), and runs `work` with clients that are released afterwards.
   */
  protected async withEndpoint<T>(flags: { endpoint?: string | undefined; region?: string | undefined }, work: (clients: AwsClients, config: EndpointConfig) => Promise<T>): Promise<T> {
    const config = resolveEndpoint(flags);
    await probeEndpoint(config);
    const clients = createClients({ endpoint: config.endpoints, region: config.region, local: config.local });
    try {
      return await work(clients, config);
    } finally {
      clients.destroy();
    }
  }
}
