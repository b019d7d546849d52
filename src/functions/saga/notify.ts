import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { idempotencyTtlAttribute } from '../../deploy/stack.js';
import type { ActivityHandler, FunctionContext } from '../model.js';

/** How long a booking's notification record is kept: far longer than any saga, retry or reconciler restart. */
const recordTtlSeconds = 7 * 24 * 3600;

/**
 * Notify: tells the customer, through the notifications topic, that the booking is
 * confirmed; its result `{messageId}` goes to `$.notification`. Once per booking as far
 * as a crash allows: the idempotency record `notify:<bookingId>` (with the SNS MessageId,
 * so a retry returns the same result) is checked before publishing and written after.
 *
 * Order: publish, then record. The other order (record, then publish) makes duplicates
 * impossible but loses the notification for good when the worker dies between the two
 * calls, and worker crashes are one of the faults booksim injects. A confirmation the
 * customer never gets is worse than one they get twice, so notifications are
 * at-least-once: a duplicate needs a crash (or a hung worker outliving its heartbeat)
 * between Publish and the record, and the message carries `notificationId` for
 * consumers to drop it. Invariant 5 (docs/design.md, Invariants) covers tickets, captures and refunds;
 * notifications are not money and not a seat.
 */
export const notify: ActivityHandler = async (input, context): Promise<{ messageId: string }> => {
  const key = `notify:${input.bookingId}`;
  const sent = await sentMessageId(context, key);
  if (sent !== undefined) return { messageId: sent };
  const ticketId = (input.ticket as { ticketId?: string } | undefined)?.ticketId;
  const message = { type: 'BookingConfirmed', notificationId: key, bookingId: input.bookingId, customerId: input.customerId, seatId: input.seatId, amount: input.amount, ticketId };
  const { MessageId } = await context.clients.sns.send(new PublishCommand({ TopicArn: context.resources.notificationsTopicArn, Message: JSON.stringify(message) }));
  const messageId = MessageId!;
  return { messageId: await record(context, key, messageId) };
};

/** The MessageId of the booking's earlier notification, if one was recorded. */
async function sentMessageId(context: FunctionContext, key: string): Promise<string | undefined> {
  const { Item } = await context.clients.dynamodb.send(
    new GetItemCommand({ TableName: context.resources.names.tables.idempotency, Key: { key: { S: key } }, ConsistentRead: true }),
  );
  return Item?.messageId?.S;
}

/**
 * Records the notification, expiring after {@link recordTtlSeconds}; returns the MessageId
 * that is recorded, which is another worker's when one got there first.
 */
async function record(context: FunctionContext, key: string, messageId: string): Promise<string> {
  const expiresAt = Math.floor(context.clock.now() / 1000) + recordTtlSeconds;
  try {
    await context.clients.dynamodb.send(
      new PutItemCommand({
        TableName: context.resources.names.tables.idempotency,
        Item: { key: { S: key }, messageId: { S: messageId }, [idempotencyTtlAttribute]: { N: String(expiresAt) } },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': 'key' },
      }),
    );
    return messageId;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return (await sentMessageId(context, key)) ?? messageId;
  }
}
