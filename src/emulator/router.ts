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

/**
 * Picks the service a request is for, as LocalStack's edge port does: by X-Amz-Target
 * first, then by the SigV4 credential scope. Undefined when the headers do not tell
 * (the caller may then look at the query Action).
 */
export function serviceFromHeaders(headers: IncomingHttpHeaders): ServiceName | undefined {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const service = targetPrefixes[target.split('.')[0] ?? ''];
    if (service) return service;
  }
  const scope = credentialScope(headers);
  return scope ? scopeServices[scope.service] : undefined;
}

/** The operation named by an X-Amz-Target header (`AmazonSQS.SendMessage` → `SendMessage`). */
export function targetOperation(headers: IncomingHttpHeaders): string {
  const target = headers['x-amz-target'];
  return typeof target === 'string' ? target.slice(target.indexOf('.') + 1) : '';
}
