import type { IncomingMessage, ServerResponse } from 'node:http';
import dynalite from 'dynalite';

/** Serves one DynamoDB request from the raw HTTP exchange. */
export type DynamoDbHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * An in-memory DynamoDB served by dynalite. dynalite is an HTTP server of its own; rather
 * than give it a second port, booksim hands it the requests its router picked out.
 * Tables become ACTIVE at once, since no test or storm should wait for them.
 */
export function createDynamoDb(): DynamoDbHandler {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const [listener] = server.listeners('request') as DynamoDbHandler[];
  if (!listener) throw new Error('dynalite did not install a request handler');
  return listener;
}
