import { BooksimError, ExitCode } from '../errors.js';

/** The AWS services booksim calls, by the name their clients use. */
export type ServiceKey = 'sqs' | 'sns' | 'dynamodb' | 'sfn' | 'iam';

/** The SDK convention's service-specific variables: AWS_ENDPOINT_URL_<service id>. */
const serviceVariables: Record<ServiceKey, string> = {
  sqs: 'AWS_ENDPOINT_URL_SQS',
  sns: 'AWS_ENDPOINT_URL_SNS',
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  sfn: 'AWS_ENDPOINT_URL_SFN',
  iam: 'AWS_ENDPOINT_URL_IAM',
};

/** Where booksim sends AWS calls, as resolved from flags and environment. */
export interface EndpointConfig {
  /** Each service's endpoint URL, given explicitly to its client. */
  endpoints: Record<ServiceKey, string>;
  /** What to show the user: --endpoint, AWS_ENDPOINT_URL or the default, then the services that go elsewhere (`http://localhost:4566 (dynamodb at http://127.0.0.1:8000)`). */
  display: string;
  /** The services no flag or variable of their own or AWS_ENDPOINT_URL names: left to the default, which `booksim run` may stand in for. */
  defaulted: ServiceKey[];
  region: string;
  /** Whether every endpoint is on this machine (LocalStack, booksim local), where any credentials work. */
  local: boolean;
  /** `--endpoint aws`: real AWS, every endpoint {@link awsEndpoint} (the SDK's default resolver), the standard credential chain. */
  aws: boolean;
}

/** The endpoint value that means real AWS: no endpoint override (the SDK's default resolver) and the standard credential chain. */
export const awsEndpoint = 'aws';

/** Where booksim looks when no endpoint is named: BOOKSIM_DEFAULT_ENDPOINT (another local endpoint; tests point it at a port they know is closed), else LocalStack's port. */
export function defaultEndpointOf(env: NodeJS.ProcessEnv): string {
  return env.BOOKSIM_DEFAULT_ENDPOINT ?? 'http://localhost:4566';
}
export const defaultRegion = 'us-east-1';

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]', 'localstack', 'host.docker.internal']);

function parseEndpoint(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BooksimError(`the endpoint "${text}" (${source}) is not a URL`, ExitCode.usage, ['Give one like --endpoint http://localhost:4566.']);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BooksimError(`the endpoint "${text}" (${source}) must be an http:// or https:// URL`, ExitCode.usage);
  }
  return url;
}

/**
 * Resolves each service's endpoint: `--endpoint aws` is real AWS (see {@link awsEndpoint});
 * otherwise `--endpoint` > AWS_ENDPOINT_URL_<SERVICE> >
 * AWS_ENDPOINT_URL > BOOKSIM_DEFAULT_ENDPOINT > http://localhost:4566, so a user can mix endpoints as the SDK
 * conventions allow; and the region: `--region` > AWS_REGION > AWS_DEFAULT_REGION >
 * us-east-1. Throws a usage error for a URL that is not http(s).
 */
export function resolveEndpoint(flags: { endpoint?: string | undefined; region?: string | undefined }, env: NodeJS.ProcessEnv = process.env): EndpointConfig {
  if (flags.endpoint === awsEndpoint) return resolveAws(flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION);
  // Where no endpoint is named: BOOKSIM_DEFAULT_ENDPOINT or LocalStack's port; a service left to it may be stood in for (booksim run).
  const fallback: [string, string] = [env.BOOKSIM_DEFAULT_ENDPOINT !== undefined ? 'BOOKSIM_DEFAULT_ENDPOINT' : 'default', defaultEndpointOf(env)];
  const main = flags.endpoint ?? env.AWS_ENDPOINT_URL ?? fallback[1];
  const endpoints = {} as Record<ServiceKey, string>;
  const defaulted: ServiceKey[] = [];
  let local = true;
  for (const [service, variable] of Object.entries(serviceVariables) as Array<[ServiceKey, string]>) {
    const [source, text] =
      flags.endpoint !== undefined ? ['--endpoint', flags.endpoint]
      : env[variable] !== undefined ? [variable, env[variable]]
      : env.AWS_ENDPOINT_URL !== undefined ? ['AWS_ENDPOINT_URL', env.AWS_ENDPOINT_URL]
      : fallback;
    const url = parseEndpoint(text, source);
    endpoints[service] = text;
    if (source === fallback[0]) defaulted.push(service);
    local &&= localHosts.has(url.hostname) || url.hostname.startsWith('127.');
  }
  const elsewhere = (Object.entries(endpoints) as Array<[ServiceKey, string]>).filter(([, url]) => url !== main).map(([service, url]) => `${service} at ${url}`);
  return {
    endpoints,
    display: elsewhere.length === 0 ? main : `${main} (${elsewhere.join(', ')})`,
    defaulted,
    region: flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? defaultRegion,
    local,
    aws: false,
  };
}

/** `--endpoint aws`: every service at {@link awsEndpoint}, in the region named (no default: real AWS needs it said). */
function resolveAws(region: string | undefined): EndpointConfig {
  if (region === undefined || region.trim() === '') {
    throw new BooksimError('--endpoint aws needs a region: none was given', ExitCode.usage, ['Give --region (e.g. --region eu-west-1) or set AWS_REGION.']);
  }
  return {
    endpoints: { sqs: awsEndpoint, sns: awsEndpoint, dynamodb: awsEndpoint, sfn: awsEndpoint, iam: awsEndpoint },
    display: `AWS (${region})`,
    defaulted: [],
    region,
    local: false,
    aws: true,
  };
}
