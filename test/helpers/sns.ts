import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, type Message } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../src/aws/clients.js';
import { createQueue, receive } from './sqs.js';

/** Creates a topic (FIFO when the name ends in .fifo) and returns its ARN. */
export async function createTopic(clients: AwsClients, name: string, attributes: Record<string, string> = {}): Promise<string> {
  const fifo: Record<string, string> = name.endsWith('.fifo') ? { FifoTopic: 'true' } : {};
  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: name, Attributes: { ...fifo, ...attributes } }));
  return TopicArn!;
}

export async function queueArn(clients: AwsClients, queueUrl: string): Promise<string> {
  const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return Attributes!.QueueArn!;
}

/** Creates a queue and subscribes it to the topic. */
export async function subscribedQueue(clients: AwsClients, topicArn: string, name: string, attributes: Record<string, string> = {}) {
  const queueUrl = await createQueue(clients.sqs, name);
  const endpoint = await queueArn(clients, queueUrl);
  const { SubscriptionArn } = await clients.sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: endpoint, Attributes: attributes, ReturnSubscriptionArn: true }),
  );
  return { queueUrl, endpoint, subscriptionArn: SubscriptionArn! };
}

/** Receives and deletes until the queue is empty; the messages in the order received. */
export async function drain(clients: AwsClients, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const batch = await receive(clients.sqs, queueUrl);
    if (batch.length === 0) return all;
    all.push(...batch);
    const Entries = batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! }));
    await clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
  }
}

export async function publish(clients: AwsClients, input: ConstructorParameters<typeof PublishCommand>[0]) {
  return clients.sns.send(new PublishCommand(input));
}

/** POSTs a raw form to the endpoint at `url`, signed as SNS would be so that it is routed there. */
export async function postSnsForm(url: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=0',
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}
