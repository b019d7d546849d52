import { randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * The smallest X.509 v3 certificate a verifier accepts: self-signed, SHA256withRSA, with
 * one common name as subject and issuer and no extensions. Hand-encoded DER (RFC 5280,
 * section 4.1), as booksim carries no certificate library and node:crypto reads
 * certificates but does not write them.
 */
export function selfSignedCertificatePem(keys: { publicKey: KeyObject; privateKey: KeyObject }, commonName: string, notBefore: Date, notAfter: Date): string {
  const algorithm = sequence(objectId('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00])); // sha256WithRSAEncryption, NULL parameters
  const name = sequence(set(sequence(objectId('2.5.4.3'), tagged(0x0c, Buffer.from(commonName)))));
  const toBeSigned = sequence(
    tagged(0xa0, integer(Buffer.from([2]))), // [0] EXPLICIT version: v3
    integer(randomBytes(8)), // serial number
    algorithm,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    keys.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', toBeSigned, keys.privateKey);
  const der = sequence(toBeSigned, algorithm, tagged(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = der.toString('base64').match(/.{1,64}/g)!;
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** A DER element: tag, definite length (short or long form), content. */
function tagged(tag: number, content: Buffer): Buffer {
  const length = content.length;
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), content]);
  const hex = length.toString(16);
  const lengthBytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  return Buffer.concat([Buffer.from([tag, 0x80 | lengthBytes.length]), lengthBytes, content]);
}

function sequence(...items: Buffer[]): Buffer {
  return tagged(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tagged(0x31, Buffer.concat(items));
}

/** A non-negative INTEGER from its big-endian bytes; a leading 0 keeps the sign bit clear. */
function integer(bytes: Buffer): Buffer {
  return tagged(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function objectId(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) base128.unshift((value & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tagged(0x06, Buffer.from(bytes));
}

/** UTCTime for the years 1950–2049, GeneralizedTime otherwise, as RFC 5280 requires. */
function time(date: Date): Buffer {
  const full = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tagged(0x17, Buffer.from(full.slice(2))) : tagged(0x18, Buffer.from(full));
}
