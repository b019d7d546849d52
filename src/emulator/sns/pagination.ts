import { invalidParameter } from './sns-errors.js';

const pageSize = 100;

/**
 * One page of `items` (given in serial order): up to 100 of those after the item the
 * token names, and the token of the next page when there are more. The token holds a
 * serial rather than a position, so deletions between pages skip nothing.
 */
export function pageAfter<T extends { serial: number }>(items: T[], token: string | undefined): { page: T[]; nextToken?: string } {
  let after = 0;
  if (token !== undefined && token !== '') {
    const serial = Buffer.from(token, 'base64url').toString();
    if (!/^[1-9]\d{0,15}$/.test(serial)) throw invalidParameter('NextToken Reason: not a token this endpoint gave out.');
    after = Number(serial);
  }
  const rest = items.filter((item) => item.serial > after);
  const page = rest.slice(0, pageSize);
  return rest.length > pageSize ? { page, nextToken: Buffer.from(String(page.at(-1)!.serial)).toString('base64url') } : { page };
}
