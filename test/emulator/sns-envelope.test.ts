import { X509Certificate, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uniqueName, useEndpoint } from '../helpers/endpoint.js';
import { createTopic, drain, publish, subscribedQueue } from '../helpers/sns.js';

const fx = useEndpoint();

/** The string AWS signs: each of these fields present, as name and value each followed by a newline. */
function canonical(envelope: Record<string, string>): string {
  return ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
    .filter((name) => envelope[name] !== undefined)
    .map((name) => `${name}\n${envelope[name]}\n`)
    .join('');
}

describe('SNS notification signatures', () => {
  for (const [signatureVersion, algorithm] of [
    ['1', 'sha1'],
    ['2', 'sha256'],
  ] as const) {
    it(`when a standard topic signs with SignatureVersion ${signatureVersion}, the signature verifies with the certificate at SigningCertURL`, async () => {
      const topicArn = await createTopic(fx.clients, uniqueName(`signed-v${signatureVersion}`), { SignatureVersion: signatureVersion });
      const { queueUrl } = await subscribedQueue(fx.clients, topicArn, uniqueName('signed-q'));
      await publish(fx.clients, { TopicArn: topicArn, Message: 'seat A1\nbooked', Subject: 'Booking' });
      const [message] = await drain(fx.clients, queueUrl);
      const envelope = JSON.parse(message!.Body!);
      expect(envelope).toMatchObject({ SignatureVersion: signatureVersion, SigningCertURL: `${fx.endpoint.url}/_booksim/sns/SimpleNotificationService.pem` });

      const response = await fetch(envelope.SigningCertURL);
      expect(response.status).toBe(200);
      const certificate = new X509Certificate(await response.text());
      expect(certificate.verify(certificate.publicKey)).toBe(true);
      const signature = Buffer.from(envelope.Signature, 'base64');
      expect(verify(algorithm, Buffer.from(canonical(envelope)), certificate.publicKey, signature)).toBe(true);
      expect(verify(algorithm, Buffer.from(canonical({ ...envelope, Message: 'tampered' })), certificate.publicKey, signature)).toBe(false);
    });
  }
});

describe('SNS FIFO notifications', () => {
  it('when a FIFO topic notifies, the envelope has a SequenceNumber and no signature fields, in AWS order', async () => {
    const topicArn = await createTopic(fx.clients, uniqueName('unsigned', true));
    const { queueUrl, subscriptionArn } = await subscribedQueue(fx.clients, topicArn, uniqueName('unsigned-q', true));
    const { MessageId, SequenceNumber } = await publish(fx.clients, {
      TopicArn: topicArn,
      Message: 'book A1',
      Subject: 'Booking',
      MessageGroupId: 'seat-A1',
      MessageDeduplicationId: 'req-1',
      MessageAttributes: { tier: { DataType: 'String', StringValue: 'VIP' } },
    });
    const [message] = await drain(fx.clients, queueUrl);
    const envelope = JSON.parse(message!.Body!);
    expect(Object.keys(envelope)).toEqual(['Type', 'MessageId', 'SequenceNumber', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'UnsubscribeURL', 'MessageAttributes']);
    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId,
      SequenceNumber,
      TopicArn: topicArn,
      UnsubscribeURL: `${fx.endpoint.url}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
      MessageAttributes: { tier: { Type: 'String', Value: 'VIP' } },
    });
  });
});
