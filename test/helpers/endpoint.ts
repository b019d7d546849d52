import { afterAll, beforeAll } from 'vitest';
import { createClients, type AwsClients } from '../../src/aws/clients.js';
import { startEmbeddedEndpoint, type EmbeddedEndpoint, type EmbeddedEndpointOptions } from '../../src/emulator/server.js';

export interface EndpointFixture {
  endpoint: EmbeddedEndpoint;
  clients: AwsClients;
}

/**
 * Starts an embedded endpoint on a free port for the tests of one file, with SDK clients
 * pointed at it, and stops both afterwards. Read the fixture inside tests, not at import.
 */
export function useEndpoint(options: EmbeddedEndpointOptions = {}): EndpointFixture {
  const fixture = {} as EndpointFixture;
  beforeAll(async () => {
    fixture.endpoint = await startEmbeddedEndpoint({ port: 0, seed: 1, ...options });
    fixture.clients = createClients({ endpoint: fixture.endpoint.url });
  });
  afterAll(async () => {
    fixture.clients?.destroy();
    await fixture.endpoint?.close();
  });
  return fixture;
}

let counter = 0;
/** A queue or topic name no other test in the file uses. */
export function uniqueName(prefix: string, fifo = false): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}${fifo ? '.fifo' : ''}`;
}
