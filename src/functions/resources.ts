import type { AwsClients } from '../aws/clients.js';
import { findBookingsTopic, findQueueUrl, findStateMachineArn, findTopicArn, tableExists } from '../deploy/lookup.js';
import { stackNames } from '../deploy/stack.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { FunctionResources } from './model.js';

/**
 * Finds the deployed stack's resources for the functions: topic ARNs, the manual-review
 * queue URL and the state machine ARN as the endpoint returns them (never built, since
 * LocalStack and AWS shape them differently), and checks that the tables exist. Throws a
 * BooksimError naming what is missing if the stack is not (fully) deployed; SDK errors
 * (endpoint unreachable, …) pass through.
 */
export async function resolveResources(clients: AwsClients, stack: string, gatewayUrl: string): Promise<FunctionResources> {
  const bookingsTopic = await findBookingsTopic(clients, stack);
  // A stack without its bookings topic is reported missing below, under the default topology's names.
  const topology = bookingsTopic?.topology ?? 'fifo-fanout';
  const bookingsTopicArn = bookingsTopic?.arn;
  const names = stackNames(stack, topology);
  const [[notificationsTopicArn, manualReviewQueueUrl, stateMachineArn], tables] = await Promise.all([
    Promise.all([
      findTopicArn(clients, names.notificationsTopic),
      findQueueUrl(clients, names.manualReviewQueue),
      findStateMachineArn(clients, names.stateMachine),
    ]),
    Promise.all(Object.values(names.tables).map(async (table) => ({ table, exists: await tableExists(clients, table) }))),
  ]);
  const missing = [
    ...[
      [names.bookingsTopic, bookingsTopicArn],
      [names.notificationsTopic, notificationsTopicArn],
      [names.manualReviewQueue, manualReviewQueueUrl],
      [names.stateMachine, stateMachineArn],
    ].flatMap(([name, found]) => (found ? [] : [name])),
    ...tables.flatMap(({ table, exists }) => (exists ? [] : [table])),
  ];
  if (!bookingsTopicArn || !notificationsTopicArn || !manualReviewQueueUrl || !stateMachineArn || missing.length > 0) {
    throw new BooksimError(`stack "${stack}" is not deployed on this endpoint (missing: ${missing.join(', ')})`, ExitCode.environment, [
      `Run \`booksim deploy --stack ${stack}\` first.`,
    ]);
  }
  return { topology, names, bookingsTopicArn, notificationsTopicArn, manualReviewQueueUrl, stateMachineArn, gatewayUrl };
}
