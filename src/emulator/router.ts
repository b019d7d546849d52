import type { IncomingHttpHeaders } from 'node:http';

/** The services the embedded endpoint knows how to route to. */
export type ServiceName = 'sqs' | 'sns' | 'dynamodb' | 'states';

const targetPrefixes: Record<string, ServiceName> = {
  AmazonSQS: 'sqs',
  DynamoDB_20120810: 'dynamodb',
  DynamoDB_20111205: 'dynamodb',
  AWSStepFunctions: 'states',
};

const scopeServices: Record<string, ServiceName> = { sqs: 'sqs', sns: 'sns', dynamodb: 'dynamodb', states: 'states' };

/** The parts of a SigV4 credential scope: `AKID/date/region/service/aws4_request`. */
export function credentialScope(headers: IncomingHttpHeaders): { region: string; service: string } | undefined {
  const match = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(headers.authorization ?? '');
  return match ? { region: match[1]!, service: match[2]! } : undefined;
}

/** Where a request goes: its service (when the headers tell) and the region it was signed for. */
export interface Route {
  service: ServiceName | undefined;
  region: string | undefined;
}

/**
 * Picks the service a request is for, as LocalStack's edge port does: by X-Amz-Target
 * first, then by the SigV4 credential scope. The service is undefined when the headers
 * do not tell (the caller may then look at the query Action).
 */
export function routeOf(headers: IncomingHttpHeaders): Route {
  const scope = credentialScope(headers);
  const target = headers['x-amz-target'];
  const byTarget = typeof target === 'string' ? targetPrefixes[target.split('.')[0] ?? ''] : undefined;
  return { service: byTarget ?? (scope ? scopeServices[scope.service] : undefined), region: scope?.region };
}

/** The operation named by an X-Amz-Target header (`AmazonSQS.SendMessage` → `SendMessage`). */
export function targetOperation(headers: IncomingHttpHeaders): string {
  const target = headers['x-amz-target'];
  return typeof target === 'string' ? target.slice(target.indexOf('.') + 1) : '';
}
