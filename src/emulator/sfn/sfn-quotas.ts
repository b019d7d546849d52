import { AwsError } from '../aws-error.js';
import type { Operation } from '../json-protocol.js';
import type { Quotas } from '../quotas/quotas.js';

/**
 * The token bucket each Step Functions API action draws on (quotas/sfn.json, from "Step
 * Functions service quotas"): per account and region, one bucket per action. Actions AWS
 * lists with the same figures share an entry, not a bucket: each is its own resource.
 */
const quotaOfAction: Record<string, string> = {
  StartExecution: 'sfn.startExecution',
  GetActivityTask: 'sfn.activityActions',
  SendTaskSuccess: 'sfn.activityActions',
  SendTaskFailure: 'sfn.activityActions',
  SendTaskHeartbeat: 'sfn.activityActions',
  DescribeExecution: 'sfn.describeExecution',
  ListExecutions: 'sfn.listExecutions',
  GetExecutionHistory: 'sfn.getExecutionHistory',
  StopExecution: 'sfn.stopExecution',
  DescribeStateMachine: 'sfn.describeStateMachine',
  DescribeActivity: 'sfn.describeActivity',
  ListStateMachines: 'sfn.listStateMachines',
  ListActivities: 'sfn.listActivities',
  CreateStateMachine: 'sfn.createUpdateDelete',
  UpdateStateMachine: 'sfn.createUpdateDelete',
  DeleteStateMachine: 'sfn.createUpdateDelete',
  CreateActivity: 'sfn.createUpdateDelete',
  DeleteActivity: 'sfn.createUpdateDelete',
};

/**
 * The operations with each throttled action drawing a token before it acts. A call with no
 * token left is answered as AWS answers it: ThrottlingException, HTTP 400, "Rate exceeded"
 * (an AWS common error: Step Functions' model has no shape of its own for it), which the
 * SDK's retry strategy retries with its throttling back-off.
 */
export function throttledOperations(operations: Record<string, Operation>, quotas: Quotas): Record<string, Operation> {
  return Object.fromEntries(
    Object.entries(operations).map(([action, operation]) => {
      const quota = quotaOfAction[action];
      if (quota === undefined) return [action, operation];
      const throttled: Operation = (params, context) => {
        if (!quotas.take(quota, `${action} in account ${context.accountId}`)) throw new AwsError('ThrottlingException', 'Rate exceeded');
        return operation(params, context);
      };
      return [action, throttled];
    }),
  );
}
