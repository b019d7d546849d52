import { invalidParameterValue, missingParameter } from '../aws-error.js';

interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement?: Array<Record<string, unknown>>;
}

/** A permission AddPermission grants: a label, the accounts, and the SQS actions (without the `SQS:` prefix). */
export interface Permission {
  label: string;
  accountIds: string[];
  actions: string[];
}

/**
 * The queue policy with the statement AddPermission generates ("AddPermission generates a
 * policy for you", API reference), in the shape AWS writes it (as LocalStack's
 * AWS-validated snapshots record): one principal or action is a string, more are a list.
 * Policies are stored, not enforced.
 */
export function withPermission(policy: string | undefined, queueArn: string, permission: Permission, validActions: ReadonlySet<string>): string {
  const { label, accountIds, actions } = permission;
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(label)) {
    throw invalidParameterValue(`Value ${label} for parameter Label is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.`);
  }
  if (accountIds.length === 0) throw missingParameter('AWSAccountIds');
  if (actions.length === 0) throw missingParameter('Actions');
  for (const action of actions) {
    if (action !== '*' && !validActions.has(action)) {
      throw invalidParameterValue(`Value SQS:${action} for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions.`);
    }
  }
  const document = parse(policy, queueArn);
  if (document.Statement!.some((statement) => statement.Sid === label)) {
    throw invalidParameterValue(`Value ${label} for parameter Label is invalid. Reason: Already exists.`);
  }
  const principals = accountIds.map((id) => `arn:aws:iam::${id}:root`);
  const sqsActions = actions.map((action) => `SQS:${action}`);
  document.Statement!.push({
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: principals.length === 1 ? principals[0] : principals },
    Action: sqsActions.length === 1 ? sqsActions[0] : sqsActions,
    Resource: queueArn,
  });
  return JSON.stringify(document);
}

/** The queue policy without the statement of this label; undefined when no statement is left. */
export function withoutPermission(policy: string | undefined, queueArn: string, label: string): string | undefined {
  const document = parse(policy, queueArn);
  const kept = document.Statement!.filter((statement) => statement.Sid !== label);
  if (kept.length === document.Statement!.length) {
    throw invalidParameterValue(`Value ${label} for parameter Label is invalid. Reason: can't find label.`);
  }
  return kept.length > 0 ? JSON.stringify({ ...document, Statement: kept }) : undefined;
}

function parse(policy: string | undefined, queueArn: string): PolicyDocument {
  let document: PolicyDocument = { Version: '2008-10-17', Id: `${queueArn}/SQSDefaultPolicy` };
  try {
    if (policy) document = JSON.parse(policy) as PolicyDocument;
  } catch {
    throw invalidParameterValue('Value for parameter Policy is invalid. Reason: The queue policy is not valid JSON.');
  }
  document.Statement = Array.isArray(document.Statement) ? document.Statement : [];
  return document;
}
