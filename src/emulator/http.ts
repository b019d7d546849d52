import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError } from './aws-error.js';

/** What a service protocol answers; the server writes it. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Who asked and where: the parts of a request every service needs to name its resources. */
export interface RequestContext {
  region: string;
  accountId: string;
  /** The origin the client used (scheme, host and port), so that returned URLs lead back here. */
  origin: string;
  requestId: string;
}

/** Largest request body accepted; DynamoDB's own limit is 16 MiB. */
export const maxRequestBytes = 16 * 1024 * 1024;

/** Reads the whole request body, refusing one larger than {@link maxRequestBytes}. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  // Plain listeners rather than `for await`: this runs for every request and the async iterator costs more.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxRequestBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new AwsError('RequestEntityTooLarge', `Request body is larger than ${maxRequestBytes} bytes.`, 413));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes an {@link HttpResponse}. */
export function writeResponse(res: ServerResponse, response: HttpResponse): void {
  res.writeHead(response.status, {
    ...response.headers,
    'content-length': String(Buffer.byteLength(response.body)),
  });
  res.end(response.body);
}

/** A JSON 1.0 protocol answer (SQS, Step Functions, DynamoDB). */
export function jsonResponse(body: unknown, requestId: string, status = 200): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
    body: JSON.stringify(body ?? {}),
  };
}
