// A trivial SQS endpoint (AWS JSON 1.0) that keeps no queues and answers every call from a
// template: the ceiling the endpoint benchmark measures booksim local against. It does only
// what the SDK needs to accept an answer — the MD5 digests it verifies — and nothing else.
//
// Run directly, it listens on 127.0.0.1 (port from argv[2], default 0), prints
// `canned sqs ready at http://127.0.0.1:PORT` and stops on SIGTERM or SIGINT.

import { Buffer } from 'node:buffer';
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const accountId = '000000000000';
/** Roughly the length of booksim's receipt handles, so that both servers send alike. */
const receiptHandle = Buffer.from(JSON.stringify(['bench', 1, 1, randomUUID()])).toString('base64url');

function md5Hex(text) {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * Creates the canned answers of one server. The last body sent is the body received, so a
 * ReceiveMessage answer is the size of the messages the client sends.
 */
function cannedOperations(origin) {
  let last = { body: 'canned', md5: md5Hex('canned') };
  return {
    CreateQueue: (params) => ({ QueueUrl: `${origin}/${accountId}/${params.QueueName}` }),
    GetQueueUrl: (params) => ({ QueueUrl: `${origin}/${accountId}/${params.QueueName}` }),
    SendMessage: (params) => {
      last = { body: params.MessageBody, md5: md5Hex(params.MessageBody) };
      return { MessageId: randomUUID(), MD5OfMessageBody: last.md5 };
    },
    ReceiveMessage: () => ({
      Messages: [{ MessageId: randomUUID(), ReceiptHandle: receiptHandle, MD5OfBody: last.md5, Body: last.body }],
    }),
    DeleteMessage: () => ({}),
  };
}

function send(res, status, body) {
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
export async function startCannedSqsServer({ host = '127.0.0.1', port = 0 } = {}) {
  let operations;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = operations[target.slice(target.indexOf('.') + 1)];
      if (!operation) {
        send(res, 400, { __type: 'com.amazon.coral.service#UnknownOperationException', message: `canned server: ${target}` });
        return;
      }
      send(res, 200, operation(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')));
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const url = `http://${host}:${server.address().port}`;
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

async function main() {
  const server = await startCannedSqsServer({ port: Number(process.argv[2] ?? 0) });
  console.log(`canned sqs ready at ${server.url}`);
  const signal = await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  console.log(`canned sqs stopped (${signal})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
