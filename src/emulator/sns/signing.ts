import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { selfSignedCertificatePem } from './x509.js';

/** Where the endpoint serves its signing certificate; AWS names its own SimpleNotificationService-<id>.pem. */
export const signingCertificatePath = '/_booksim/sns/SimpleNotificationService.pem';

/** The fields of a notification that its signature covers. */
export interface SignedFields {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
}

const tenYears = 10 * 365 * 24 * 60 * 60 * 1000;

/**
 * The endpoint's notification signing key and its self-signed certificate, made on first
 * use (an RSA key takes a moment to generate). Signatures verify against the certificate
 * served at {@link signingCertificatePath}, as AWS's do against theirs; the certificate is
 * not issued by a CA a client trusts, and its URL is not on an amazonaws.com host, so a
 * verifier that checks those refuses it.
 */
export class SigningKey {
  private keys?: { publicKey: KeyObject; privateKey: KeyObject; certificatePem: string };

  constructor(private readonly clock: Clock) {}

  /** The certificate, PEM-encoded. */
  get certificatePem(): string {
    return this.material().certificatePem;
  }

  /**
   * The Base64 signature of a notification: SHA1withRSA for SignatureVersion 1, SHA256withRSA
   * for 2, over each field present of Message, MessageId, Subject, Timestamp, TopicArn and
   * Type, as name and value each followed by a newline ("Verifying the signatures of Amazon
   * SNS messages", Amazon SNS Developer Guide).
   */
  sign(fields: SignedFields, signatureVersion: string): string {
    const canonical = (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
      .filter((name) => fields[name] !== undefined)
      .map((name) => `${name}\n${fields[name]}\n`)
      .join('');
    return sign(signatureVersion === '2' ? 'sha256' : 'sha1', Buffer.from(canonical), this.material().privateKey).toString('base64');
  }

  private material() {
    if (!this.keys) {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const notBefore = new Date(this.clock.now() - 24 * 60 * 60 * 1000);
      const certificatePem = selfSignedCertificatePem(pair, 'sns.booksim.local', notBefore, new Date(notBefore.getTime() + tenYears));
      this.keys = { ...pair, certificatePem };
    }
    return this.keys;
  }
}
