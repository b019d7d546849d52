import { createHash } from 'node:crypto';
import type { OutgoingMessage } from '../sqs/queue.js';
import type { Publication } from './publication.js';
import type { Subscription } from './subscription.js';
import type { PublishReceipt } from './topic.js';

/** Where and when a notification is sent, for the fields of its envelope. */
export interface NotificationContext {
  /** Milliseconds since the epoch. */
  now: number;
  /** The endpoint's origin, for the URLs in the envelope. */
  origin: string;
  signatureVersion: string;
}

/**
 * The SQS message a subscription receives for a publication. Raw delivery: the message
 * and its attributes. Otherwise: the SNS JSON envelope as the body, and no attributes.
 * A FIFO queue also gets the group and deduplication ids, so that it orders and
 * deduplicates as the topic did; a standard queue gets neither.
 */
export function sqsMessageFor(publication: Publication, receipt: PublishReceipt, subscription: Subscription, context: NotificationContext): OutgoingMessage {
  const ordering =
    subscription.endpoint.endsWith('.fifo') && publication.groupId !== undefined
      ? { groupId: publication.groupId, dedupId: publication.dedupId }
      : {};
  if (subscription.settings.raw) return { body: publication.message, attributes: publication.attributes, ...ordering };
  return { body: JSON.stringify(envelope(publication, receipt, subscription, context)), attributes: {}, ...ordering };
}

/** The JSON envelope AWS wraps a notification in; JSON.stringify leaves out the undefined fields. */
function envelope(publication: Publication, receipt: PublishReceipt, subscription: Subscription, context: NotificationContext) {
  const timestamp = new Date(context.now).toISOString();
  const attributes = Object.entries(publication.attributes);
  return {
    Type: 'Notification',
    MessageId: receipt.messageId,
    SequenceNumber: receipt.sequenceNumber,
    TopicArn: subscription.topicArn,
    Subject: publication.subject,
    Message: publication.message,
    Timestamp: timestamp,
    SignatureVersion: context.signatureVersion,
    // booksim local holds no signing key: this digest stands in for a signature and verifies against nothing.
    Signature: createHash('sha256').update([receipt.messageId, publication.message, timestamp, subscription.topicArn].join('\n')).digest('base64'),
    SigningCertURL: `${context.origin}/_booksim/sns/SimpleNotificationService.pem`,
    UnsubscribeURL: `${context.origin}/?Action=Unsubscribe&SubscriptionArn=${subscription.arn}`,
    MessageAttributes:
      attributes.length > 0
        ? Object.fromEntries(attributes.map(([name, value]) => [name, { Type: value.DataType, Value: value.StringValue ?? value.BinaryValue }]))
        : undefined,
  };
}
