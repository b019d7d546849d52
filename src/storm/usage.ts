import { paginateListSubscriptionsByTopic } from '@aws-sdk/client-sns';
import type { AwsClients } from '../aws/clients.js';
import { addUsage, meters } from '../cost/meters.js';
import type { Usage } from '../model/run.js';
import { addBookingUsage, deliveredUsage, publishedTopics, type BookingUsage, type UsageReport } from '../runtime/usage-meter.js';

/** A run's billed usage, measured: in total and by booking, every key a meter of the price table. */
export interface MeasuredUsage {
  total: Usage;
  byBooking: BookingUsage;
}

/** The state transitions the run's executions made (src/storm/saga-steps.ts), in total and by the booking each execution was for. */
export interface StateTransitions {
  total: number;
  byBooking: Record<string, number>;
}

/**
 * What a run used (pure): the meters' reports (the booking API's and the workers') added
 * together, what was published turned into deliveries at each topic's SQS subscriptions,
 * and the executions' state transitions added as Step Functions' meter.
 */
export function billedUsage(reports: UsageReport[], subscriptions: Record<string, number>, transitions: StateTransitions): MeasuredUsage {
  const total = deliveredUsage(addUsage(...reports.map((report) => report.total)), subscriptions);
  const byBooking: BookingUsage = {};
  for (const [bookingId, usage] of Object.entries(addBookingUsage(...reports.map((report) => report.byBooking)))) byBooking[bookingId] = deliveredUsage(usage, subscriptions);
  for (const [bookingId, count] of Object.entries(transitions.byBooking)) byBooking[bookingId] = addUsage(byBooking[bookingId] ?? {}, { [meters.sfnStateTransitions]: count });
  return { total: addUsage(total, { [meters.sfnStateTransitions]: transitions.total }), byBooking };
}

/**
 * How many SQS subscriptions each topic has, read from the stack once the run is over (so
 * that the calls are not the system's): what every message published to it was delivered
 * to. booksim's deploy sets no filter policies, so each subscription takes every message.
 */
export async function sqsSubscriptions(clients: AwsClients, topicArns: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const TopicArn of topicArns) {
    let sqs = 0;
    for await (const page of paginateListSubscriptionsByTopic({ client: clients.sns }, { TopicArn })) {
      sqs += (page.Subscriptions ?? []).filter((subscription) => subscription.Protocol === 'sqs').length;
    }
    counts[TopicArn] = sqs;
  }
  return counts;
}

/** What the run used: the reports with deliveries read from the stack's subscriptions (see {@link billedUsage}). */
export async function measureUsage(clients: AwsClients, reports: UsageReport[], transitions: StateTransitions): Promise<MeasuredUsage> {
  const topics = [...new Set(reports.flatMap((report) => publishedTopics(report.total)))];
  return billedUsage(reports, await sqsSubscriptions(clients, topics), transitions);
}
