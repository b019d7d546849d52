import type { IncomingHttpHeaders } from 'node:http';

/** The services the embedded endpoint knows how to route to. */
export type ServiceName = 'sqs' | 'sns' | 'dynamodb' | 'states' | 'iam';

const targetPrefixes: Record<string, ServiceName> = {
  AmazonSQS: 'sqs',
  DynamoDB_20120810: 'dynamodb',
  DynamoDB_20111205: 'dynamodb',
  AWSStepFunctions: 'states',
};

// IAM is global: its requests are signed for us-east-1 on AWS, and it keeps one state per account in any region.
const scopeServices: Record<string, ServiceName> = { sqs: 'sqs', sns: 'sns', dynamodb: 'dynamodb', states: 'states', iam: 'iam' };

/** The parts of a SigV4 credential: `AKID/date/region/service/aws4_request`. */
export function credentialScope(headers: IncomingHttpHeaders): { accessKeyId: string; region: string; service: string } | undefined {
  const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(headers.authorization ?? '');
  return match ? { accessKeyId: match[1]!, region: match[2]!, service: match[3]! } : undefined;
}

/** The account of a request that does not name one, as LocalStack's. */
export const defaultAccountId = '000000000000';

/**
 * The account a request acts in, from its access key id, by LocalStack's rule ("Credentials",
 * LocalStack docs): a 12-digit key is the account id; any other key (`test`, `booksim`), or
 * none, is the default account. LocalStack's structured LSIA… keys are not decoded.
 */
export function accountIdOf(accessKeyId: string | undefined): string {
  return accessKeyId !== undefined && /^\d{12}$/.test(accessKeyId) ? accessKeyId : defaultAccountId;
}

/** Where a request goes: its service (when the headers tell), the region it was signed for and the account it acts in. */
export interface Route {
  service: ServiceName | undefined;
  region: string | undefined;
  accountId: string;
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
  return { service: byTarget ?? (scope ? scopeServices[scope.service] : undefined), region: scope?.region, accountId: accountIdOf(scope?.accessKeyId) };
}

/** The operation named by an X-Amz-Target header (`AmazonSQS.SendMessage` → `SendMessage`). */
export function targetOperation(headers: IncomingHttpHeaders): string {
  const target = headers['x-amz-target'];
  return typeof target === 'string' ? target.slice(target.indexOf('.') + 1) : '';
}
