import type { IncomingHttpHeaders } from 'node:http';
import { errorReply, GatewayRequestError, invalidRequest } from './reply.js';

/** A validated `POST /charges` body. */
export interface ChargeRequest {
  bookingId: string;
  /** Positive integer cents. */
  amount: number;
  /** ISO 4217 code, lower case as Stripe writes it; default `eur`. */
  currency: string;
}

/** A validated `POST /refunds` body; without `amount`, the whole captured amount is refunded. */
export interface RefundRequest {
  bookingId: string;
  amount?: number;
}

/** Stripe's limit on an idempotency key's length. */
export const maxIdempotencyKeyLength = 255;

/** The request's Idempotency-Key; a 400 when it is missing, empty or too long. */
export function idempotencyKeyOf(headers: IncomingHttpHeaders): string {
  const key = headers['idempotency-key'];
  if (typeof key !== 'string' || key === '') {
    throw new GatewayRequestError(errorReply(400, 'IdempotencyKeyRequired', 'the Idempotency-Key header is required.'));
  }
  if (key.length > maxIdempotencyKeyLength) invalidRequest(`the Idempotency-Key is longer than ${maxIdempotencyKeyLength} characters.`);
  return key;
}

/** Parses a JSON object body; a 400 for anything else. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    invalidRequest('the body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalidRequest('the body must be a JSON object.');
  return value as Record<string, unknown>;
}

/** Validates a charge body: bookingId a non-empty string, amount positive integer cents, currency a 3-letter code. */
export function parseChargeRequest(body: Record<string, unknown>): ChargeRequest {
  const { currency = 'eur' } = body;
  if (typeof currency !== 'string' || !/^[a-z]{3}$/i.test(currency)) invalidRequest('currency must be a 3-letter ISO 4217 code.');
  return { bookingId: bookingIdOf(body), amount: centsOf(body.amount), currency: currency.toLowerCase() };
}

/** Validates a refund body: bookingId a non-empty string, amount (optional) positive integer cents. */
export function parseRefundRequest(body: Record<string, unknown>): RefundRequest {
  const bookingId = bookingIdOf(body);
  return body.amount === undefined ? { bookingId } : { bookingId, amount: centsOf(body.amount) };
}

function bookingIdOf(body: Record<string, unknown>): string {
  if (typeof body.bookingId !== 'string' || body.bookingId === '') invalidRequest('bookingId must be a non-empty string.');
  return body.bookingId;
}

function centsOf(amount: unknown): number {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) invalidRequest('amount must be a positive integer of cents.');
  return amount;
}
