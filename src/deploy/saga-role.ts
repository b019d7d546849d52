import { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, GetRolePolicyCommand, ListRolePoliciesCommand, NoSuchEntityException, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { pause } from '../async.js';
import type { AwsClients } from '../aws/clients.js';
import { awsFailure } from '../aws/errors.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { Ensured } from './outcome.js';
import { stackTagKey, type StackNames } from './stack.js';
import { carriesStackTag, stackTagOf } from './tags.js';

/**
 * The IAM role the saga runs as, when the user gives none (`--role-arn`): deploy creates
 * it, tagged with the stack, trusting Step Functions and allowed only what the saga calls
 * itself (its Task states on activities need no permission; the manual-review step sends
 * to SQS); destroy deletes it with its policy.
 */

/** Step Functions may assume the role, as the AWS CDK's StateMachine role is written. */
export const sagaTrustPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** What the saga's definition calls through its role: sqs:SendMessage to the manual-review queue (src/deploy/saga.ts). */
export function sagaRolePolicy(manualReviewQueueArn: string): object {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: manualReviewQueueArn }] };
}

const sameDocument = (urlEncoded: string | undefined, wanted: object) => {
  if (urlEncoded === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(decodeURIComponent(urlEncoded))) === JSON.stringify(wanted);
  } catch {
    return false;
  }
};

/** The role the saga runs as; one just created may not be assumable everywhere yet (see {@link whileRolePropagates}). */
export interface SagaRole {
  arn: string;
  justCreated: boolean;
}

/**
 * Creates the saga's role, or brings the stack's existing one in line (its inline policy
 * set to what the saga needs). A role of that name without the stack's tag is refused: no
 * booksim made it (deploy tags the role as it creates it), so destroy must never delete it.
 */
export async function ensureSagaRole(clients: AwsClients, stack: string, names: StackNames, manualReviewQueueArn: string): Ensured<SagaRole> {
  const RoleName = names.sagaRole;
  const PolicyName = names.sagaRole;
  const policy = sagaRolePolicy(manualReviewQueueArn);
  const existing = await clients.iam.send(new GetRoleCommand({ RoleName })).catch((error: unknown) => {
    if (error instanceof NoSuchEntityException) return undefined;
    throw error;
  });
  if (!existing?.Role?.Arn) {
    const { Role } = await clients.iam.send(
      new CreateRoleCommand({
        RoleName,
        AssumeRolePolicyDocument: JSON.stringify(sagaTrustPolicy),
        Description: `The saga of booksim stack ${stack}`,
        Tags: [{ Key: stackTagKey, Value: stack }],
      }),
    );
    await whileRoleAppears(() => clients.iam.send(new PutRolePolicyCommand({ RoleName, PolicyName, PolicyDocument: JSON.stringify(policy) })));
    return { outcome: 'created', value: { arn: Role!.Arn!, justCreated: true } };
  }
  const owner = await stackTagOf(clients, 'role', RoleName);
  if (owner !== stack) {
    throw new BooksimError(`role ${RoleName} exists ${owner === undefined ? 'without a' : `with another stack's (${owner})`} ${stackTagKey} tag: deploy makes this role itself and will not take over one it did not make`, ExitCode.environment, [
      'Give it with --role-arn if the saga should run as it, or delete it.',
    ]);
  }
  const changes: string[] = [];
  const current = await clients.iam.send(new GetRolePolicyCommand({ RoleName, PolicyName })).catch((error: unknown) => {
    if (error instanceof NoSuchEntityException) return undefined;
    throw error;
  });
  if (!sameDocument(current?.PolicyDocument, policy)) {
    await clients.iam.send(new PutRolePolicyCommand({ RoleName, PolicyName, PolicyDocument: JSON.stringify(policy) }));
    changes.push(`policy ${PolicyName}`);
  }
  const value = { arn: existing.Role.Arn, justCreated: false };
  return changes.length > 0 ? { outcome: 'updated', detail: changes.join(', '), value } : { outcome: 'unchanged', value };
}

/**
 * A failure of the role's IAM calls as the user is told it, with the ways round it: a role
 * of one's own, IAM switched on in LocalStack, or the permission on AWS.
 */
export function roleFailure(error: unknown, role: string, endpoint: string): unknown {
  const failure = awsFailure(error, `create or update the saga's role ${role}`, endpoint);
  // An endpoint that does not answer, or a refusal of booksim's own, already says what to do.
  if (!(failure instanceof BooksimError) || failure.suggestions.length > 0) return failure;
  return new BooksimError(failure.message, failure.exitCode, [
    'Give --role-arn ARN (a role Step Functions can assume) and deploy makes no role; on LocalStack add iam to SERVICES (docker compose up -d --force-recreate); on AWS grant the BooksimStackIAM statement of docs/aws.md.',
  ]);
}

/** Deletes the saga's role and its inline policies when it carries the stack's tag: deleted, absent, or left (not the stack's). */
export async function deleteSagaRole(clients: AwsClients, stack: string, RoleName: string): Promise<'deleted' | 'absent' | 'left'> {
  try {
    if (!(await carriesStackTag(clients, 'role', RoleName, stack))) return 'left';
    // IAM refuses to delete a role that still has inline policies (DeleteConflict).
    const { PolicyNames = [] } = await clients.iam.send(new ListRolePoliciesCommand({ RoleName }));
    for (const PolicyName of PolicyNames) await clients.iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }));
    await clients.iam.send(new DeleteRoleCommand({ RoleName }));
    return 'deleted';
  } catch (error) {
    if (error instanceof NoSuchEntityException) return 'absent';
    throw error;
  }
}

/** How long deploy waits for a role it has just created to be assumable: IAM's changes usually take seconds to reach every service, rarely a minute. */
export const rolePropagationMs = 60_000;

/** When to try again, and the clock and sleep to wait by (tests give their own). */
export interface PropagationWait {
  withinMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Runs `call` again while `notYet` says its error is IAM's eventual consistency (a role
 * just created not yet everywhere), waiting 1, 2, 4, then 8 s between tries, for
 * `withinMs` at most; any other error at once.
 */
async function whileIamSpreads<T>(call: () => Promise<T>, notYet: (error: unknown) => boolean, { withinMs = rolePropagationMs, sleep = pause, now = Date.now }: PropagationWait = {}): Promise<T> {
  const until = now() + withinMs;
  for (let wait = 1_000; ; wait = Math.min(wait * 2, 8_000)) {
    try {
      return await call();
    } catch (error) {
      if (!notYet(error) || now() + wait > until) throw error;
      await sleep(wait);
    }
  }
}

/**
 * Runs `call` (CreateStateMachine with a role just created) again while Step Functions
 * answers that it cannot assume the role yet ("Neither the global service principal
 * states.amazonaws.com, nor the regional one is authorized to assume the provided role").
 */
export function whileRolePropagates<T>(call: () => Promise<T>, wait?: PropagationWait): Promise<T> {
  return whileIamSpreads(call, isRoleNotYetAssumable, wait);
}

/** Runs `call` (a call on a role just created) again while IAM answers that the role does not exist yet, as Terraform does. */
export function whileRoleAppears<T>(call: () => Promise<T>, wait?: PropagationWait): Promise<T> {
  return whileIamSpreads(call, (error) => error instanceof NoSuchEntityException, wait);
}

/** Step Functions' answer when it cannot assume a role: a new role's propagation delay, or a role that does not trust it. */
export function isRoleNotYetAssumable(error: unknown): boolean {
  return error instanceof Error && error.name === 'AccessDeniedException' && /authorized to assume the provided role/.test(error.message);
}
