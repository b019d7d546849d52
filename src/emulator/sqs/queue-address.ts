/** Where a queue lives: the account that owns it and its name, unique within the account. */
export interface QueueAddress {
  account: string;
  name: string;
}

const queueArnPattern = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:(\d{12}):([^:]+)$/;

/** The key of a queue among every account's queues. */
export function queueKey({ account, name }: QueueAddress): string {
  return `${account}/${name}`;
}

/**
 * The queue a QueueUrl names: `<any origin>/<account>/<name>`, as AWS's URLs are; only the
 * path counts, so any host reaches the same queue. A URL without an account segment names a
 * queue of the caller's account.
 */
export function addressOfUrl(url: string, callerAccount: string): QueueAddress {
  const segments = url.split('/').filter(Boolean);
  const name = segments.at(-1) ?? '';
  const account = segments.at(-2);
  return { account: account !== undefined && /^\d{12}$/.test(account) ? account : callerAccount, name };
}

/** The queue an ARN (`arn:aws:sqs:region:account:name`) names; undefined when the text is not a queue ARN. */
export function addressOfArn(arn: string): QueueAddress | undefined {
  const match = queueArnPattern.exec(arn);
  return match ? { account: match[1]!, name: match[2]! } : undefined;
}
