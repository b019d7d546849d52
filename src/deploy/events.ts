import { paginateScan } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../aws/clients.js';
import { parseSeatId, seatIdPrefix } from '../event.js';

/** A seat of the stack as far as sales go: a row of the seats table (a seat no booking reached has none). */
export interface SeatSale {
  seatId: string;
  sold: boolean;
}

/** An event on the stack: its seats that bookings reached, and how many of them are sold. */
export interface EventSales {
  /** null for the seats of runs made before events (`S0001…`). */
  event: string | null;
  seats: number;
  sold: number;
}

/**
 * The seats of the stack's seats table with whether each is sold; only the event's when
 * one is named. A scan of two attributes: a stack keeps the seats of every run made on it.
 * SDK errors pass through.
 */
export async function readSeatSales(clients: AwsClients, seatsTable: string, event?: string): Promise<SeatSale[]> {
  const names = { '#seatId': 'seatId', '#sold': 'sold' };
  const ofEvent =
    event === undefined ? {} : { FilterExpression: 'begins_with(#seatId, :prefix)', ExpressionAttributeValues: { ':prefix': { S: seatIdPrefix(event) } } };
  const sales: SeatSale[] = [];
  const pages = paginateScan({ client: clients.dynamodb }, { TableName: seatsTable, ConsistentRead: true, ProjectionExpression: '#seatId, #sold', ExpressionAttributeNames: names, ...ofEvent });
  for await (const page of pages) for (const item of page.Items ?? []) sales.push({ seatId: item.seatId?.S ?? '', sold: item.sold?.BOOL ?? false });
  return sales;
}

/** The seats grouped by event, events in name order, the seats of no event last. Pure. */
export function salesByEvent(sales: readonly SeatSale[]): EventSales[] {
  const events = new Map<string | null, EventSales>();
  for (const { seatId, sold } of sales) {
    const event = parseSeatId(seatId).event ?? null;
    const entry = events.get(event) ?? { event, seats: 0, sold: 0 };
    entry.seats += 1;
    if (sold) entry.sold += 1;
    events.set(event, entry);
  }
  return [...events.values()].sort((a, b) => (a.event === null ? 1 : b.event === null ? -1 : a.event < b.event ? -1 : a.event > b.event ? 1 : 0));
}

/** How many of the event's seats 1 to `seats` (those a storm of `seats` seats puts on sale) are sold already. */
export function seatsSoldOnSale(sales: readonly SeatSale[], seats: number): number {
  return sales.filter(({ seatId, sold }) => {
    const number = parseSeatId(seatId).number;
    return sold && number !== undefined && number <= seats;
  }).length;
}
