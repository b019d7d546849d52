import { BooksimError, ExitCode } from '../errors.js';

/** Where booksim sends AWS calls, as resolved from flags and environment. */
export interface EndpointConfig {
  /**
   * The URL every client is given. Undefined when AWS_ENDPOINT_URL (or a service-specific
   * AWS_ENDPOINT_URL_<SERVICE>) is set and no --endpoint flag: then the SDK resolves each
   * service's endpoint itself, so a user can mix endpoints as the SDK conventions allow.
   */
  endpoint: string | undefined;
  /** The URL to show the user and to probe. */
  display: string;
  region: string;
  /** Whether the endpoint is on this machine (LocalStack, booksim local), where any credentials work. */
  local: boolean;
}

export const defaultEndpoint = 'http://localhost:4566';
export const defaultRegion = 'us-east-1';

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]', 'localstack', 'host.docker.internal']);

/**
 * Resolves the endpoint: `--endpoint` > AWS_ENDPOINT_URL > http://localhost:4566, and the
 * region: `--region` > AWS_REGION > AWS_DEFAULT_REGION > us-east-1. Throws a usage error
 * for a URL that is not http(s).
 */
export function resolveEndpoint(flags: { endpoint?: string | undefined; region?: string | undefined }, env: NodeJS.ProcessEnv = process.env): EndpointConfig {
  const fromEnv = env.AWS_ENDPOINT_URL;
  const serviceSpecific = Object.keys(env).some((name) => name.startsWith('AWS_ENDPOINT_URL_'));
  const display = flags.endpoint ?? fromEnv ?? defaultEndpoint;
  let url: URL;
  try {
    url = new URL(display);
  } catch {
    throw new BooksimError(`the endpoint "${display}" is not a URL`, ExitCode.usage, ['Give one like --endpoint http://localhost:4566.']);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BooksimError(`the endpoint "${display}" must be an http:// or https:// URL`, ExitCode.usage);
  }
  const letSdkResolve = flags.endpoint === undefined && (fromEnv !== undefined || serviceSpecific);
  return {
    endpoint: letSdkResolve ? undefined : display,
    display,
    region: flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? defaultRegion,
    local: localHosts.has(url.hostname) || url.hostname.startsWith('127.'),
  };
}
