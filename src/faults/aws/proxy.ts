import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { finished, pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { BooksimError, ExitCode } from '../../errors.js';
import { HttpError, readBody, writeResponse, type HttpResponse } from '../../http.js';
import type { Random } from '../../random.js';
import { AwsError } from '../../emulator/aws-error.js';
import { jsonResponse, type RequestContext } from '../../emulator/http.js';
import { serveJson, type JsonServiceWire } from '../../emulator/json-protocol.js';
import { routeOf, targetOperation, type ServiceName } from '../../emulator/router.js';
import { serveIamQuery } from '../../emulator/iam/iam-protocol.js';
import { serveSnsQuery } from '../../emulator/sns/sns-protocol.js';
import { faultsAt, type FaultAt, type FaultLogger } from '../../model/fault.js';

/** The AWS API faults the proxy injects, as the fault catalog names them. */
export const awsFaultKinds: readonly AwsFaultKind[] = faultsAt('aws');
export type AwsFaultKind = FaultAt<'aws'>;

/**
 * One way to disturb AWS calls: which calls (a service, an operation such as `PutItem`,
 * or every call when neither is given) and how often (`probability`, 0 to 1).
 */
export interface AwsFaultRule {
  fault: AwsFaultKind;
  probability: number;
  service?: ServiceName;
  operation?: string;
  /** For `aws-latency`: how long to hold the call before forwarding it. Default 200 ms. */
  latencyMs?: number;
}

export interface ChaosProxy {
  /** Base URL for AWS clients, e.g. http://127.0.0.1:41234. */
  url: string;
  /** Replaces the rules; calls already under way keep the fault they drew. */
  setRules(rules: AwsFaultRule[]): void;
  /** How many faults of each kind were injected so far. */
  counts(): Record<AwsFaultKind, number>;
  /** Stops listening and ends every connection, held and long-polling calls included. */
  close(): Promise<void>;
}

export interface ChaosProxyOptions {
  /** Origin of the AWS endpoint to forward to, e.g. http://127.0.0.1:4566. */
  target: string;
  rules?: AwsFaultRule[];
  /** Draws each rule's chance; seeded, a run's faults repeat. */
  random: Random;
  log?: FaultLogger;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
}

export const defaultLatencyMs = 200;

/** An AWS API call as the proxy sees it. */
interface AwsCall {
  service: ServiceName;
  operation: string;
  region: string | undefined;
}

const serviceTitles: Record<ServiceName, string> = { sqs: 'SQS', sns: 'SNS', dynamodb: 'DynamoDB', states: 'Step Functions', iam: 'IAM' };

/** The JSON-protocol services and how they name errors; SNS (query protocol) answers XML. */
const jsonWires: Partial<Record<ServiceName, JsonServiceWire>> = {
  sqs: { errorNamespace: 'com.amazonaws.sqs', queryCompatible: true },
  dynamodb: { errorNamespace: 'com.amazonaws.dynamodb.v20120810', queryCompatible: false },
  states: { errorNamespace: 'com.amazonaws.sfn', queryCompatible: false },
};

interface InjectedError {
  code: string;
  status: number;
  /** The legacy query code SQS also sends (`x-amzn-query-error`), when it differs from `code`. */
  queryCode?: string;
  message: string;
}

const byProxy = '(injected by the booksim chaos proxy)';

/**
 * The errors each service really answers when it throttles or fails. Every code is one the
 * SDK's retry strategy knows: the throttles by name (retried with the throttling back-off),
 * the 5xx by status (retried as transient). Step Functions' model defines no throttling or
 * server error shape, so its errors are those of the AWS common errors, which the SDK
 * raises as SFNServiceException named by the code.
 */
const injectedErrors: Record<ServiceName, Record<'aws-throttle' | 'aws-error', InjectedError>> = {
  dynamodb: {
    'aws-throttle': { code: 'ProvisionedThroughputExceededException', status: 400, message: `Throughput exceeds the current capacity of your table or index ${byProxy}.` },
    'aws-error': { code: 'InternalServerError', status: 500, message: `Internal server error ${byProxy}.` },
  },
  sqs: {
    // The SDK names SQS errors by the query code when the service is query-compatible: this becomes RequestThrottled.
    'aws-throttle': { code: 'ThrottlingException', queryCode: 'RequestThrottled', status: 400, message: `Rate exceeded ${byProxy}.` },
    'aws-error': { code: 'ServiceUnavailable', status: 503, message: `Service is unable to handle the request ${byProxy}.` },
  },
  states: {
    'aws-throttle': { code: 'ThrottlingException', status: 400, message: `Rate exceeded ${byProxy}.` },
    'aws-error': { code: 'ServiceUnavailable', status: 503, message: `Service is unable to handle the request ${byProxy}.` },
  },
  sns: {
    'aws-throttle': { code: 'Throttling', status: 400, message: `Rate exceeded ${byProxy}.` },
    'aws-error': { code: 'ServiceUnavailable', status: 503, message: `Service is unable to handle the request ${byProxy}.` },
  },
  // No fault targets IAM (the workers never call it), but every service the endpoint routes needs its errors here. IAM's model names its 500 ServiceFailure; its throttle is the query APIs' common Throttling.
  iam: {
    'aws-throttle': { code: 'Throttling', status: 400, message: `Rate exceeded ${byProxy}.` },
    'aws-error': { code: 'ServiceFailure', status: 500, message: `Request processing has failed due to an unknown error ${byProxy}.` },
  },
};

/** Headers of one connection, not of the message: a proxy must not pass them on (RFC 9110 §7.6.1). */
const hopByHopHeaders = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/**
 * Starts the chaos proxy on 127.0.0.1: it forwards every request to `target` unchanged
 * (the Host header included, so that queue URLs the endpoint builds lead back through
 * the proxy) and streams the answer back, except that for each AWS call the first rule
 * that matches it and wins its draw (`random() < probability`, rules in order) injects
 * its fault: a delay, a throttling or 5xx error in the service's wire format, a dropped
 * connection, or an answer lost after the write was applied. Each injected fault is
 * counted and logged. Requests the proxy cannot name a service and operation for pass
 * untouched. Forwarded calls have no time limit (long polls last up to 20 s on SQS and
 * 60 s on Step Functions); when a client goes away, its call to the target is closed too.
 */
export async function startChaosProxy(options: ChaosProxyOptions): Promise<ChaosProxy> {
  const target = parseTarget(options.target);
  const port = options.port ?? 0;
  let rules = checkedRules(options.rules ?? []);
  const counts = Object.fromEntries(awsFaultKinds.map((kind) => [kind, 0])) as Record<AwsFaultKind, number>;
  const agent = target.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send: typeof httpRequest = target.protocol === 'https:' ? httpsRequest : httpRequest;

  /** Sends the request on to the target and resolves with its answer's head; the body is left to read. */
  async function forward(req: IncomingMessage, body: Buffer, clientGone: AbortSignal): Promise<IncomingMessage> {
    const headers = endToEnd(req.headers);
    if (req.headers['transfer-encoding'] !== undefined) headers['content-length'] = String(body.length);
    const upstream = send({
      protocol: target.protocol,
      hostname: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || undefined,
      method: req.method,
      path: req.url,
      headers,
      agent,
      // A client that gives up ends the call to the target, so that a long poll stops before it takes anything.
      signal: clientGone,
    });
    // Errors before the answer reject below; later ones (an abort while the body streams) end the answer's stream.
    upstream.on('error', () => undefined);
    upstream.end(body);
    const [answer] = (await once(upstream, 'response')) as [IncomingMessage];
    return answer;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const gone = new AbortController();
    res.once('close', () => res.writableFinished || gone.abort());
    const body = await readBody(req);
    const call = awsCallOf(req.headers, body);
    // Only the rules that match draw, in order: with a seeded random, a run's faults repeat.
    const rule = call && rules.find((candidate) => matches(candidate, call) && options.random() < candidate.probability);
    if (!call || !rule) return relay(await forward(req, body, gone.signal), res);

    const what = `${serviceTitles[call.service]} ${call.operation}`;
    const inject = (action: string, detail: Record<string, unknown> = {}) => {
      counts[rule.fault] += 1;
      options.log?.({ fault: rule.fault, action, detail: { service: call.service, operation: call.operation, ...detail } });
    };
    switch (rule.fault) {
      case 'aws-latency': {
        const latencyMs = rule.latencyMs ?? defaultLatencyMs;
        inject(`delayed ${what} by ${latencyMs} ms`, { latencyMs });
        await sleep(latencyMs, undefined, { signal: gone.signal });
        return relay(await forward(req, body, gone.signal), res);
      }
      case 'aws-throttle':
      case 'aws-error': {
        const error = injectedErrors[call.service][rule.fault];
        inject(rule.fault === 'aws-throttle' ? `throttled ${what}` : `failed ${what} with ${error.status} ${error.code}`, {
          status: error.status,
          code: error.queryCode ?? error.code,
        });
        return writeResponse(res, await errorAnswer(call, error));
      }
      case 'aws-drop':
        inject(`dropped the connection of ${what}`);
        res.destroy();
        return;
      case 'aws-lost-response': {
        const answer = await forward(req, body, gone.signal);
        // Read the whole answer first: only then is the write surely applied.
        answer.resume();
        await finished(answer);
        inject(`lost the response of ${what} after it was applied`, { status: answer.statusCode });
        res.destroy();
        return;
      }
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      // The target could not be reached (or the request was too large): say so, as a gateway does.
      const refused = error instanceof HttpError ? error : new HttpError('BadGateway', `booksim chaos proxy: ${options.target}: ${String(error)}`, 502);
      writeResponse(res, jsonResponse({ __type: refused.code, message: refused.message }, randomUUID(), refused.status));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new BooksimError(`chaos proxy cannot listen on 127.0.0.1:${port}: ${error.message}`, ExitCode.environment)));
    // Loopback only: the proxy forwards with the workers' credentials and must not be reachable from elsewhere.
    server.listen(port, '127.0.0.1', () => resolve());
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setRules: (next) => {
      rules = checkedRules(next);
    },
    counts: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Ending the client connections aborts the held and forwarded calls, and with them their calls to the target.
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

function parseTarget(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new BooksimError(`chaos proxy target ${target} is not a URL; give the endpoint's origin, e.g. http://127.0.0.1:4566.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BooksimError(`chaos proxy target ${target} is not an http(s) URL.`);
  }
  return url;
}

/** The rules, checked: a known fault, a probability from 0 to 1, a known service, a latency of 0 or more. */
function checkedRules(rules: AwsFaultRule[]): AwsFaultRule[] {
  for (const rule of rules) {
    const where = `AWS fault rule ${JSON.stringify(rule)}`;
    if (!(awsFaultKinds as readonly string[]).includes(rule.fault)) throw new BooksimError(`${where}: unknown fault; one of ${awsFaultKinds.join(', ')}.`);
    if (!(rule.probability >= 0 && rule.probability <= 1)) throw new BooksimError(`${where}: probability must be from 0 to 1.`);
    if (rule.service !== undefined && !Object.hasOwn(serviceTitles, rule.service)) {
      throw new BooksimError(`${where}: unknown service; one of ${Object.keys(serviceTitles).join(', ')}.`);
    }
    if (rule.latencyMs !== undefined && !(rule.latencyMs >= 0 && Number.isFinite(rule.latencyMs))) {
      throw new BooksimError(`${where}: latencyMs must be 0 or more.`);
    }
  }
  return [...rules];
}

/**
 * The service and operation of a request: the operation is the X-Amz-Target suffix (JSON
 * protocols) or the form's Action (SNS's query protocol). Undefined when either is unknown.
 */
function awsCallOf(headers: IncomingHttpHeaders, body: Buffer): AwsCall | undefined {
  const { service, region } = routeOf(headers);
  const form = headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body.toString('utf8')) : undefined;
  const operation = targetOperation(headers) || form?.get('Action');
  return service && operation ? { service, operation, region } : undefined;
}

function matches(rule: AwsFaultRule, call: AwsCall): boolean {
  return (rule.service === undefined || rule.service === call.service) && (rule.operation === undefined || rule.operation === call.operation);
}

/**
 * The error as the service answers it, written by the embedded endpoint's own protocol
 * code: it serves the call with an operation that fails with the error.
 */
async function errorAnswer(call: AwsCall, injected: InjectedError): Promise<HttpResponse> {
  const error = new AwsError(injected.code, injected.message, injected.status, injected.queryCode);
  const operations = {
    [call.operation]: () => {
      throw error;
    },
  };
  // A failing operation reads nothing of its context but the request id.
  const context: RequestContext = { region: call.region ?? 'us-east-1', accountId: '', origin: '', requestId: randomUUID() };
  const wire = jsonWires[call.service];
  if (wire) return serveJson(wire, operations, call.operation, Buffer.alloc(0), context);
  if (call.service === 'iam') return serveIamQuery(operations, { Action: call.operation }, context);
  return serveSnsQuery(operations, { Action: call.operation }, context);
}

/** Streams the target's answer back to the client. */
async function relay(answer: IncomingMessage, res: ServerResponse): Promise<void> {
  res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
  await pipeline(answer, res);
}

/** The headers to pass on: all but the hop-by-hop ones. */
function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHopHeaders.has(name)));
}
