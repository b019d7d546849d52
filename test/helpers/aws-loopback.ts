import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/** One request the loopback "AWS" saw: the service of its signature's credential scope, and its action. */
export interface SeenCall {
  service: string;
  action: string;
}

export const loopbackAccount = '123456789012';

/** The service of a SigV4 request (Credential=AKID/date/region/SERVICE/aws4_request) and its action (query Action, or the JSON protocols' X-Amz-Target). */
function callOf(request: IncomingMessage, body: string): SeenCall {
  const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(request.headers.authorization ?? '');
  const target = request.headers['x-amz-target'];
  const action = typeof target === 'string' ? (target.split('.').at(-1) ?? target) : (new URLSearchParams(body).get('Action') ?? `${request.method} ${request.url}`);
  return { service: scope?.[1] ?? 'unsigned', action };
}

/**
 * A stand-in for AWS on 127.0.0.1, for `--endpoint aws` tests (AWS_ENDPOINT_URL pointed at
 * it, so the SDK's default resolver sends every call here): STS GetCallerIdentity answered
 * in STS's query-protocol XML with {@link loopbackAccount}; any other call refused with a 403,
 * and every call recorded. Closed when the test ends.
 */
export async function startLoopbackAws(): Promise<{ url: string; calls: SeenCall[] }> {
  const calls: SeenCall[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const call = callOf(request, body);
      calls.push(call);
      if (call.service === 'sts' && call.action === 'GetCallerIdentity') {
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${loopbackAccount}:user/booksim-test</Arn><UserId>AIDALOOPBACKTEST</UserId><Account>${loopbackAccount}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        );
        return;
      }
      response.writeHead(403, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'the loopback AWS stand-in answers only STS GetCallerIdentity' }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

/**
 * The environment for a CLI run with `--endpoint aws` that can only reach loopback: every
 * AWS_* variable of the tests' dropped, fake static credentials, no config files, no
 * instance metadata, and AWS_ENDPOINT_URL (which the SDK's default resolver honours) at `url`.
 */
export function loopbackAwsEnv(url: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...env,
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'AKIALOOPBACKFAKE0000',
    AWS_SECRET_ACCESS_KEY: 'loopback-fake-secret',
    AWS_CONFIG_FILE: '/nonexistent/booksim-test-aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/booksim-test-aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
