import { AwsError } from '../aws-error.js';
import type { OutgoingMessage } from '../sqs/queue.js';
import type { SqsService } from '../sqs/sqs-service.js';
import { addressedTo } from './notification.js';
import type { Subscription } from './subscription.js';

/**
 * Sends a subscription its notification. A queue that is gone, or refuses the message,
 * is a client-side error: SNS does not retry it, and sends the message to the
 * subscription's dead-letter queue if its RedrivePolicy names one, else drops it ("Amazon
 * SNS dead-letter queues", Amazon SNS Developer Guide). The dead-letter queue gets the
 * message as the subscription would have: the same body (the envelope, or the raw message
 * and its attributes) and, on a FIFO queue, the same group and deduplication ids, with no
 * attributes added (as recorded from AWS in LocalStack's test_redrive_policy_sqs_queue_subscription
 * and test_publish_fifo_messages_to_dlq snapshots). A dead-letter queue that is gone too
 * loses the message.
 */
export function deliverNotification(sqs: SqsService, subscription: Subscription, message: OutgoingMessage): void {
  if (sendTo(sqs, subscription.endpoint, message)) return;
  const deadLetterQueue = subscription.settings.deadLetterTargetArn;
  if (deadLetterQueue !== undefined) sendTo(sqs, deadLetterQueue, message);
}

/** Whether the queue took the message. */
function sendTo(sqs: SqsService, queueArn: string, message: OutgoingMessage): boolean {
  try {
    sqs.deliver(queueArn, addressedTo(message, queueArn));
    return true;
  } catch (error) {
    if (error instanceof AwsError) return false;
    throw error;
  }
}
