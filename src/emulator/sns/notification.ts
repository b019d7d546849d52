import type { OutgoingMessage } from '../sqs/queue.js';
import type { Publication } from './publication.js';
import { signingCertificatePath, type SignedFields, type SigningKey } from './signing.js';
import type { Subscription } from './subscription.js';
import type { PublishReceipt } from './topic.js';

/** Where and when a notification is sent, for the fields of its envelope. */
export interface NotificationContext {
  /** Milliseconds since the epoch. */
  now: number;
  /** The endpoint's origin, for the URLs in the envelope. */
  origin: string;
  /** How a standard topic signs; absent for a FIFO topic, whose notifications carry no signature. */
  signing?: { key: SigningKey; signatureVersion: string };
}

/**
 * The SQS message a subscription receives for a publication. Raw delivery: the message
 * and its attributes. Otherwise: the SNS JSON envelope as the body, and no attributes.
 * A publication on a FIFO topic carries its group and deduplication ids; {@link addressedTo}
 * keeps them for FIFO queues only.
 */
export function notificationFor(publication: Publication, receipt: PublishReceipt, subscription: Subscription, context: NotificationContext): OutgoingMessage {
  const ordering = publication.groupId !== undefined ? { groupId: publication.groupId, dedupId: publication.dedupId } : {};
  if (subscription.settings.raw) return { body: publication.message, attributes: publication.attributes, ...ordering };
  return { body: JSON.stringify(envelope(publication, receipt, subscription, context)), attributes: {}, ...ordering };
}

/**
 * The message as sent to the queue `queueArn`: a FIFO queue gets the group and
 * deduplication ids, so that it orders and deduplicates as the topic did; a standard
 * queue gets neither.
 */
export function addressedTo(message: OutgoingMessage, queueArn: string): OutgoingMessage {
  if (queueArn.endsWith('.fifo')) return message;
  const { groupId: _groupId, dedupId: _dedupId, ...unordered } = message;
  return unordered;
}

/**
 * The JSON envelope AWS wraps a notification in, its fields in AWS's order; JSON.stringify
 * leaves out the undefined ones. A FIFO topic's has a SequenceNumber and no
 * SignatureVersion, Signature or SigningCertURL ("Amazon SNS FIFO topic message format";
 * seen in the aws-sdk-net issue 3000 and powertools-lambda-python issue 1590 payloads).
 */
function envelope(publication: Publication, receipt: PublishReceipt, subscription: Subscription, context: NotificationContext) {
  const signed: SignedFields = {
    Type: 'Notification',
    MessageId: receipt.messageId,
    TopicArn: subscription.topicArn,
    Subject: publication.subject,
    Message: publication.message,
    Timestamp: new Date(context.now).toISOString(),
  };
  const { signing } = context;
  const attributes = Object.entries(publication.attributes);
  return {
    Type: signed.Type,
    MessageId: signed.MessageId,
    SequenceNumber: receipt.sequenceNumber,
    TopicArn: signed.TopicArn,
    Subject: signed.Subject,
    Message: signed.Message,
    Timestamp: signed.Timestamp,
    ...(signing
      ? {
          SignatureVersion: signing.signatureVersion,
          Signature: signing.key.sign(signed, signing.signatureVersion),
          SigningCertURL: `${context.origin}${signingCertificatePath}`,
        }
      : {}),
    UnsubscribeURL: `${context.origin}/?Action=Unsubscribe&SubscriptionArn=${subscription.arn}`,
    MessageAttributes:
      attributes.length > 0
        ? Object.fromEntries(attributes.map(([name, value]) => [name, { Type: value.DataType, Value: value.StringValue ?? value.BinaryValue }]))
        : undefined,
  };
}
