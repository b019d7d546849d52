import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../clock.js';
import { BooksimError, ExitCode } from '../errors.js';
import { seededRandom, type Random } from '../random.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbService } from './dynamodb.js';
import { defaultTimeToLiveSweepMs } from './dynamodb-ttl.js';
import { jsonResponse, type RequestContext } from './http.js';
import { HttpError, readBody, writeResponse, type HttpResponse } from '../http.js';
import { serveJson } from './json-protocol.js';
import { decodeQueryForm } from './query-form.js';
import { routeOf, targetOperation } from './router.js';
import { serveIamQuery } from './iam/iam-protocol.js';
import { IamService } from './iam/iam-service.js';
import { serveSigningCertificate, serveSnsQuery } from './sns/sns-protocol.js';
import { SnsService } from './sns/sns-service.js';
import { signingCertificatePath } from './sns/signing.js';
import { SfnService } from './sfn/sfn-service.js';
import { isQueuePath, serveSqsQuery } from './sqs/sqs-query.js';
import { SqsService } from './sqs/sqs-service.js';
import { readQuotaTable } from '../model/quota-table.js';
import { Quotas } from './quotas/quotas.js';
import { checkedRegion, quotasPath, type QuotaReport } from '../model/quotas.js';

export interface EmbeddedEndpointOptions {
  /** Loopback address to bind; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default 4566, LocalStack's. */
  port?: number;
  clock?: Clock;
  /** Seed for the endpoint's own randomness (standard-queue chaos). */
  seed?: number;
  random?: Random;
  /** Probability that a standard queue duplicates a send, delivers a message late, or shuffles a receive. Default 0. */
  standardQueueChaos?: number;
  /** How often DynamoDB deletes items whose TTL has passed, in milliseconds of `clock`; 0 never does. Default 10 s. */
  timeToLiveSweepMs?: number;
  /** Enforce AWS's throughput quotas with this region's figures (`--aws-quotas`); off when absent. */
  awsQuotas?: { region: string };
}

export interface EmbeddedEndpoint {
  /** Base URL for AWS clients, e.g. http://127.0.0.1:4566. */
  url: string;
  port: number;
  /** Names of the services served, for the ready line and the health check. */
  services: string[];
  /** Stops listening, ends long polls and closes every connection. */
  close(): Promise<void>;
}

export const defaultPort = 4566;
const defaultRegion = 'us-east-1';
const servedServices = ['sqs', 'sns', 'dynamodb', 'stepfunctions', 'iam'];
const sqsWire = { errorNamespace: 'com.amazonaws.sqs', queryCompatible: true };
// Step Functions reports every malformed request as a ValidationException.
const sfnWire = {
  errorNamespace: 'com.amazonaws.sfn',
  queryCompatible: false,
  renamedCodes: { MissingParameter: 'ValidationException', InvalidParameterValue: 'ValidationException' },
};

/** True for addresses on this machine only: 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Starts booksim's embedded AWS endpoint: SQS (JSON protocol), SNS (query protocol),
 * DynamoDB (dynalite) and Step Functions on one loopback port, routed like LocalStack's
 * edge port.
 */
export async function startEmbeddedEndpoint(options: EmbeddedEndpointOptions = {}): Promise<EmbeddedEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? defaultPort;
  if (!isLoopback(host)) {
    throw new BooksimError(`--host ${host} is not a loopback address: booksim local only binds this machine (127.0.0.1, ::1, localhost).`);
  }
  const clock = options.clock ?? systemClock;
  const random = options.random ?? seededRandom(options.seed ?? Date.now());
  const quotas = options.awsQuotas && new Quotas(readQuotaTable(), checkedRegion(options.awsQuotas.region), clock);
  const sqs = new SqsService({ clock, random, standardQueueChaos: options.standardQueueChaos ?? 0, quotas });
  const sns = new SnsService({ clock, sqs, quotas });
  // Role ids come from a stream of their own, so IAM calls never shift the standard-queue chaos a seed fixes.
  const iam = new IamService({ clock, random: seededRandom((options.seed ?? Date.now()) + 1) });
  let url = '';
  let integrationsClient: DynamoDBClient | undefined;
  // Step Functions' DynamoDB integrations and the TTL bookkeeping reach dynalite the way every client does: over HTTP.
  const dynaliteClient = () =>
    (integrationsClient ??= new DynamoDBClient({ endpoint: url, region: defaultRegion, credentials: { accessKeyId: 'booksim', secretAccessKey: 'booksim' } }));
  const sfn = new SfnService({ clock, sns: sns.operations, sqs: sqs.operations, dynamodb: dynaliteClient, quotas });
  const dynamodb = new DynamoDbService({ clock, client: dynaliteClient, timeToLiveSweepMs: options.timeToLiveSweepMs ?? defaultTimeToLiveSweepMs, quotas });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<HttpResponse | undefined> {
    const { service, region, accountId } = routeOf(req.headers);
    const clientGone = new AbortController();
    res.once('close', () => res.writableFinished || clientGone.abort());
    const context: RequestContext = {
      region: region ?? defaultRegion,
      accountId,
      origin: `http://${req.headers.host ?? `${host}:${port}`}`,
      requestId: randomUUID(),
      clientGone: clientGone.signal,
    };
    if (req.method === 'GET' && (req.url === '/_localstack/health' || req.url === '/_booksim/health')) {
      return jsonResponse({ services: Object.fromEntries(servedServices.map((s) => [s, 'running'])), edition: 'booksim' }, context.requestId);
    }
    if (req.method === 'GET' && req.url === quotasPath) {
      const report: QuotaReport = quotas ? { region: quotas.region, throttles: quotas.throttles() } : { enabled: false };
      return jsonResponse(report, context.requestId);
    }
    if (req.method === 'GET' && req.url === signingCertificatePath) return serveSigningCertificate(sns, context);
    if (service === 'dynamodb') return dynamodb.serve(req, res, context);
    const body = await readBody(req);
    if (service === 'sqs' && req.headers['x-amz-target']) {
      return serveJson(sqsWire, sqs.operations, targetOperation(req.headers), body, context);
    }
    if (service === 'sqs' || (service === undefined && isQueuePath(req.url ?? '/'))) {
      return serveSqsQuery(sqs.operations, req.url ?? '/', body.toString('utf8'), context);
    }
    if (service === 'states') {
      return serveJson(sfnWire, sfn.operations, targetOperation(req.headers), body, context);
    }
    const form = decodeQueryForm(body.toString('utf8'));
    if (service === 'sns' || (service === undefined && typeof form.Action === 'string' && Object.hasOwn(sns.operations, form.Action))) {
      return serveSnsQuery(sns.operations, form, context);
    }
    if (service === 'iam' || (service === undefined && typeof form.Action === 'string' && Object.hasOwn(iam.operations, form.Action))) {
      return serveIamQuery(iam.operations, form, context);
    }
    if (service === undefined && typeof form.Action === 'string' && Object.hasOwn(sqs.operations, form.Action)) {
      return serveSqsQuery(sqs.operations, req.url ?? '/', body.toString('utf8'), context);
    }
    const what = `service ${service ?? 'unknown'}`;
    return jsonResponse({ __type: 'UnknownService', message: `booksim local does not serve ${what}; it serves ${servedServices.join(', ')}.` }, context.requestId, 400);
  }

  const server = createServer((req, res) => {
    route(req, res)
      .then((response) => response && writeResponse(res, response))
      .catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        const code = error instanceof HttpError ? error.code : 'InternalFailure';
        const message = error instanceof Error ? error.message : String(error);
        if (!res.headersSent) writeResponse(res, jsonResponse({ __type: code, message }, randomUUID(), status));
        else res.destroy();
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new BooksimError(`port ${port} is in use — is LocalStack running?`, ExitCode.environment, [
            'Stop whatever listens there, or pick another port with --port.',
          ]),
        );
      } else {
        reject(new BooksimError(`cannot listen on ${host}:${port}: ${error.message}`, ExitCode.environment));
      }
    });
    server.listen(port, host, () => resolve());
  });

  const bound = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  return {
    url,
    port: bound,
    services: servedServices,
    close: () =>
      new Promise<void>((resolve) => {
        sqs.close();
        sfn.close();
        dynamodb.close();
        integrationsClient?.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
