/**
 * What booksim calls on AWS, as IAM actions, and the least-privilege policy of a user who
 * runs it (docs/aws.md prints it). test/aws/iam-policy.unit.test.ts checks the list covers
 * every SDK command and paginator in src/ (the embedded endpoint's aside).
 */

/** The commands that call AWS, as docs/aws.md names them. */
export type Caller = 'deploy' | 'destroy' | 'status' | 'storm' | 'worker' | 'verify' | 'every command';

/** One IAM action booksim needs, the commands that call it, and what it acts on. */
export interface ActionUse {
  action: string;
  callers: Caller[];
  /** Acts on the stack's resources (scoped to their name prefix), or needs "*": a listing, or a call by task token (no resource-level permission); `local`: never called on AWS, so not in the policy. */
  scope: 'stack' | 'any' | 'local';
}

const use = (action: string, callers: Caller[], scope: ActionUse['scope'] = 'stack'): ActionUse => ({ action, callers, scope });

/** Every IAM action booksim calls, by service. */
export const iamActions: ActionUse[] = [
  // Checks: the probe of every command, and the account --endpoint aws confirms (GetCallerIdentity needs no permission).
  use('sqs:ListQueues', ['every command'], 'any'),
  use('sns:ListTopics', ['every command', 'deploy', 'destroy', 'status'], 'any'),
  use('dynamodb:ListTables', ['every command'], 'any'),
  use('states:ListStateMachines', ['every command', 'deploy', 'destroy', 'status'], 'any'),
  use('sts:GetCallerIdentity', ['deploy', 'destroy', 'storm', 'worker'], 'any'),
  // SNS
  use('sns:CreateTopic', ['deploy']),
  use('sns:TagResource', ['deploy']),
  use('sns:GetTopicAttributes', ['deploy', 'status']),
  use('sns:SetTopicAttributes', ['deploy']),
  use('sns:Subscribe', ['deploy']),
  use('sns:ListSubscriptionsByTopic', ['deploy', 'destroy', 'status']),
  use('sns:GetSubscriptionAttributes', ['deploy']),
  use('sns:SetSubscriptionAttributes', ['deploy']),
  use('sns:ListTagsForResource', ['deploy', 'destroy']),
  use('sns:Unsubscribe', ['destroy']),
  use('sns:DeleteTopic', ['destroy']),
  use('sns:Publish', ['storm', 'worker']),
  // SQS
  use('sqs:CreateQueue', ['deploy']),
  use('sqs:TagQueue', ['deploy']),
  use('sqs:GetQueueUrl', ['deploy', 'destroy', 'status', 'storm', 'worker', 'verify']),
  use('sqs:GetQueueAttributes', ['deploy', 'destroy', 'status', 'storm', 'verify']),
  use('sqs:SetQueueAttributes', ['deploy']),
  use('sqs:ListQueueTags', ['deploy', 'destroy']),
  use('sqs:DeleteQueue', ['destroy']),
  use('sqs:ReceiveMessage', ['storm', 'worker', 'verify']),
  use('sqs:DeleteMessage', ['storm', 'worker']),
  use('sqs:ChangeMessageVisibility', ['storm', 'worker']),
  // DynamoDB
  use('dynamodb:CreateTable', ['deploy']),
  use('dynamodb:TagResource', ['deploy']),
  use('dynamodb:DescribeTable', ['deploy', 'destroy', 'status']),
  use('dynamodb:DescribeTimeToLive', ['deploy']),
  use('dynamodb:UpdateTimeToLive', ['deploy']),
  use('dynamodb:ListTagsOfResource', ['deploy', 'destroy']),
  use('dynamodb:DeleteTable', ['destroy']),
  use('dynamodb:GetItem', ['storm', 'worker', 'verify']),
  use('dynamodb:PutItem', ['storm', 'worker']),
  use('dynamodb:UpdateItem', ['storm', 'worker']),
  use('dynamodb:Query', ['storm', 'worker']),
  use('dynamodb:Scan', ['status', 'storm', 'verify']),
  // Step Functions
  use('states:CreateActivity', ['deploy']),
  use('states:CreateStateMachine', ['deploy']),
  use('states:TagResource', ['deploy']),
  use('states:ListActivities', ['deploy', 'destroy', 'status', 'storm', 'worker'], 'any'),
  use('states:DescribeStateMachine', ['deploy', 'destroy', 'status', 'storm', 'worker']),
  use('states:UpdateStateMachine', ['deploy']),
  use('states:ListTagsForResource', ['deploy', 'destroy']),
  use('states:DeleteStateMachine', ['destroy']),
  use('states:DeleteActivity', ['destroy']),
  use('states:StartExecution', ['storm', 'worker']),
  use('states:GetActivityTask', ['storm', 'worker']),
  use('states:SendTaskSuccess', ['storm', 'worker'], 'any'),
  use('states:SendTaskFailure', ['storm', 'worker'], 'any'),
  use('states:SendTaskHeartbeat', ['storm', 'worker'], 'any'),
  use('states:DescribeExecution', ['storm', 'worker', 'verify']),
  use('states:ListExecutions', ['storm', 'verify', 'status']),
  use('states:GetExecutionHistory', ['storm', 'verify']),
  use('states:StopExecution', ['storm']),
  // IAM: the saga's role, made by deploy unless --role-arn names one, and handed to the state machine.
  use('iam:GetRole', ['deploy']),
  use('iam:CreateRole', ['deploy']),
  use('iam:TagRole', ['deploy']),
  use('iam:ListRoleTags', ['deploy', 'destroy']),
  use('iam:GetRolePolicy', ['deploy']),
  use('iam:PutRolePolicy', ['deploy']),
  use('iam:ListRolePolicies', ['destroy']),
  use('iam:DeleteRolePolicy', ['destroy']),
  use('iam:DeleteRole', ['destroy']),
  use('iam:PassRole', ['deploy']),
  // The probe of an IAM endpoint of its own (AWS_ENDPOINT_URL_IAM); never called on AWS, where every service shares the resolver.
  use('iam:ListRoles', ['every command'], 'local'),
];

/** The ARNs of a stack's resources (`stack` is the name prefix; `*` for every stack) for each service. */
function stackResources(stack: string): Record<string, string[]> {
  return {
    sns: [`arn:aws:sns:*:*:${stack}-*`],
    sqs: [`arn:aws:sqs:*:*:${stack}-*`],
    dynamodb: [`arn:aws:dynamodb:*:*:table/${stack}-*`, `arn:aws:dynamodb:*:*:table/${stack}-*/index/*`],
    states: [`arn:aws:states:*:*:stateMachine:${stack}-*`, `arn:aws:states:*:*:activity:${stack}-*`, `arn:aws:states:*:*:execution:${stack}-*:*`],
    // The saga's role alone: a holder of CreateRole and PutRolePolicy on a wider pattern could make a role with any permissions.
    iam: [`arn:aws:iam::*:role/${stack}-saga-role`],
  };
}

/**
 * The least-privilege IAM policy for running booksim on the stacks named `stack-…` (default
 * `booksim`, or `*` for any): the listings and task-token calls on "*", which IAM requires, and one
 * statement per service for the rest, on the stack's resources only.
 */
export function iamPolicy(stack = 'booksim'): { Version: string; Statement: Array<{ Sid: string; Effect: 'Allow'; Action: string[]; Resource: string | string[]; Condition?: object }> } {
  const resources = stackResources(stack);
  const services = [...new Set(iamActions.filter((use) => use.scope === 'stack').map((use) => use.action.split(':')[0]!))];
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'BooksimAnyResource', Effect: 'Allow', Action: iamActions.filter((use) => use.scope === 'any').map((use) => use.action).sort(), Resource: '*' },
      ...services.map((service) => ({
        Sid: `BooksimStack${service === 'sns' || service === 'sqs' || service === 'iam' ? service.toUpperCase() : service === 'dynamodb' ? 'DynamoDB' : 'StepFunctions'}`,
        Effect: 'Allow' as const,
        Action: iamActions.filter((use) => use.scope === 'stack' && use.action.startsWith(`${service}:`) && use.action !== 'iam:PassRole').map((use) => use.action).sort(),
        Resource: resources[service]!,
      })),
      // The saga's role may be passed to Step Functions only; the condition key exists for PassRole alone, so it has a statement of its own.
      { Sid: 'BooksimPassRole', Effect: 'Allow', Action: ['iam:PassRole'], Resource: resources.iam!, Condition: { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } } },
    ],
  };
}
