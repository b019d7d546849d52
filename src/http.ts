import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer, ready to write: booksim's HTTP servers (the endpoint, the gateway) build these. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A request refused with an HTTP status and a short code, e.g. 413 RequestEntityTooLarge. */
export class HttpError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Largest request body accepted; DynamoDB's own limit is 16 MiB. */
export const maxRequestBytes = 16 * 1024 * 1024;

/** Reads the whole request body, refusing one larger than {@link maxRequestBytes} with a 413 {@link HttpError}. */
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
        reject(new HttpError('RequestEntityTooLarge', `Request body is larger than ${maxRequestBytes} bytes.`, 413));
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
