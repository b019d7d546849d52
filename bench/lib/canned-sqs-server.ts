// A trivial SQS endpoint (AWS JSON 1.0) that keeps no queues and answers every call from a
// template: the ceiling the endpoint benchmark measures booksim local against. It does only
// what the SDK needs to accept an answer — the MD5 digests it verifies — and nothing else.
//
// Run directly, it listens on 127.0.0.1 (port from argv[2], default 0), prints
// `canned sqs ready at http://127.0.0.1:PORT` and stops on SIGTERM or SIGINT. Being
// TypeScript, it runs as `node --import tsx bench/lib/canned-sqs-server.ts` (see
// cannedSqsServer): one process, so that the CPU time read from its pid is the server's.

import { Buffer } from 'node:buffer';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ServerProcessOptions } from './server-process.js';

const accountId = '000000000000';
/** Roughly the length of booksim's receipt handles, so that both servers send alike. */
const receiptHandle = Buffer.from(JSON.stringify(['bench', 1, 1, randomUUID()])).toString('base64url');

/** How the endpoint benchmark starts this server in a process of its own (startServerProcess). */
export const cannedSqsServer: ServerProcessOptions = {
  name: 'ceiling: canned SQS server',
  // tsx's loader in the server's own process, not the tsx command (which would run it in a child of its own).
  args: ['--import', 'tsx', fileURLToPath(import.meta.url)],
  readyPattern: /^canned sqs ready at (http:\/\/\S+)/,
};

/** The request parameters the canned answers use; the rest of a request is ignored. */
interface SqsParams {
  QueueName?: string;
  MessageBody?: string;
}

type Operation = (params: SqsParams) => object;

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * Creates the canned answers of one server. The last body sent is the body received, so a
 * ReceiveMessage answer is the size of the messages the client sends.
 */
function cannedOperations(origin: string): Record<string, Operation> {
  let last = { body: 'canned', md5: md5Hex('canned') };
  return {
    CreateQueue: (params) => ({ QueueUrl: `${origin}/${accountId}/${params.QueueName}` }),
    GetQueueUrl: (params) => ({ QueueUrl: `${origin}/${accountId}/${params.QueueName}` }),
    SendMessage: (params) => {
      const body = params.MessageBody ?? '';
      last = { body, md5: md5Hex(body) };
      return { MessageId: randomUUID(), MD5OfMessageBody: last.md5 };
    },
    ReceiveMessage: () => ({
      Messages: [{ MessageId: randomUUID(), ReceiptHandle: receiptHandle, MD5OfBody: last.md5, Body: last.body }],
    }),
    DeleteMessage: () => ({}),
  };
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': randomUUID(),
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/**
 * Starts the canned SQS server on `host:port` (port 0 picks a free one). Resolves to its
 * base URL and a `close()` that stops it and drops its connections.
 */
export async function startCannedSqsServer({ host = '127.0.0.1', port = 0 } = {}): Promise<{ url: string; close(): Promise<void> }> {
  let operations: Record<string, Operation> = {};
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = operations[target.slice(target.indexOf('.') + 1)];
      if (!operation) {
        send(res, 400, { __type: 'com.amazon.coral.service#UnknownOperationException', message: `canned server: ${target}` });
        return;
      }
      send(res, 200, operation(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as SqsParams));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  operations = cannedOperations(url);
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const server = await startCannedSqsServer({ port: Number(process.argv[2] ?? 0) });
  console.log(`canned sqs ready at ${server.url}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  console.log(`canned sqs stopped (${signal})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
