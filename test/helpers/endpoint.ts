import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
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

/** The tests' environment without any AWS endpoint variable: only what a test sets is named. */
export const withoutEndpoint: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_ENDPOINT_URL')));

/** A loopback URL nothing listens on: a port the system just handed out and took back. */
export async function closedEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/**
 * {@link withoutEndpoint} with the default moved to a closed port (BOOKSIM_DEFAULT_ENDPOINT):
 * "nothing answers at the default" made true, whatever a developer runs at 4566
 * (LocalStack, `booksim local`), which the test must not use.
 */
export async function withClosedDefault(): Promise<NodeJS.ProcessEnv> {
  return { ...withoutEndpoint, BOOKSIM_DEFAULT_ENDPOINT: await closedEndpoint() };
}

/**
 * A DynamoDB endpoint on a free loopback port that answers ListTables (so the probe finds
 * it up) and every other call with a 500 InternalServerError, as a broken one may; stopped
 * after the file's tests. Read `url` inside tests.
 */
export function useBrokenDynamoDb(): { url: string } {
  const server = createHttpServer((req, res) => {
    const listTables = req.headers['x-amz-target'] === 'DynamoDB_20120810.ListTables';
    req.resume();
    req.on('end', () => {
      res.writeHead(listTables ? 200 : 500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(listTables ? { TableNames: [] } : { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'the table store is down' }));
    });
  });
  const fixture = { url: '' };
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fixture.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return fixture;
}
