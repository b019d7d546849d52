import { randomUUID } from 'node:crypto';

/**
 * A receipt handle: the queue, the stored message and which receive of it, and a random
 * part so that no two receives give the same handle.
 */
export function encodeReceipt(queue: string, message: { key: number; receiveCount: number }): string {
  const payload = JSON.stringify([queue, message.key, message.receiveCount, randomUUID()]);
  return Buffer.from(payload).toString('base64url');
}

/** The parts of a receipt handle, or undefined for a string this endpoint did not give out. */
export function decodeReceipt(handle: string): { queue: string; key: number; receiveCount: number } | undefined {
  try {
    const [queue, key, receiveCount] = JSON.parse(Buffer.from(handle, 'base64url').toString()) as unknown[];
    if (typeof queue !== 'string' || typeof key !== 'number' || typeof receiveCount !== 'number') return undefined;
    return { queue, key, receiveCount };
  } catch {
    return undefined;
  }
}
