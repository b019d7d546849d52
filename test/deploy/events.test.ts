import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { deployStack } from '../../src/deploy/deploy.js';
import { readSeatSales, salesByEvent, seatsSoldOnSale } from '../../src/deploy/events.js';
import { stackStatus } from '../../src/deploy/status.js';
import { statusText } from '../../src/report/stack-text.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

describe('the events on a stack', () => {
  const fx = useEndpoint();

  it('when seats of several events are in the table, it groups them by event, in name order, seats of no event last', () => {
    const sales = [
      { seatId: 'gala/S0001', sold: true },
      { seatId: '261123-074012-1f3a/S0001', sold: true },
      { seatId: 'gala/S0002', sold: false },
      { seatId: 'S0001', sold: true },
      { seatId: '261123-074012-1f3a/S0002', sold: true },
    ];
    expect(salesByEvent(sales)).toEqual([
      { event: '261123-074012-1f3a', seats: 2, sold: 2 },
      { event: 'gala', seats: 2, sold: 1 },
      { event: null, seats: 1, sold: 1 },
    ]);
  });

  it('when counting what a storm of n seats finds sold, it counts the sold seats numbered 1 to n only', () => {
    const sales = [
      { seatId: 'gala/S0001', sold: true },
      { seatId: 'gala/S0002', sold: false },
      { seatId: 'gala/S0003', sold: true },
      { seatId: 'gala/S0150', sold: true },
    ];
    expect(seatsSoldOnSale(sales, 100)).toBe(2);
    expect(seatsSoldOnSale(sales, 200)).toBe(3);
  });

  it('when status reads a stack whose seats two events sold, it lists each event with its seats and how many are sold, in text and data', async () => {
    const stack = uniqueName('events');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const context = { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' };
    expect((await stackStatus(stack, context)).events).toEqual([]);
    expect(stripVTControlCharacters(statusText(await stackStatus(stack, context), fx.endpoint.url))).toContain('events: none yet (no booking has reached a seat)');

    const seat = (seatId: string, sold: boolean) =>
      fx.clients.dynamodb.send(new PutItemCommand({ TableName: `${stack}-seats`, Item: { seatId: { S: seatId }, holder: { S: `B-${seatId}` }, line: { L: [] }, sold: { BOOL: sold } } }));
    await Promise.all([seat('first/S0001', true), seat('first/S0002', true), seat('second/S0001', true), seat('second/S0002', false), seat('second/S0003', true)]);

    const status = await stackStatus(stack, context);
    expect(status.events).toEqual([
      { event: 'first', seats: 2, sold: 2 },
      { event: 'second', seats: 3, sold: 2 },
    ]);
    const text = stripVTControlCharacters(statusText(status, fx.endpoint.url)).split('\n');
    expect(text).toContain('events (2; seats that bookings reached):');
    expect(text.find((line) => line.trim().startsWith('first'))!.trim().split(/\s+/)).toEqual(['first', 'seats', '2', 'sold', '2']);
    expect(text.find((line) => line.trim().startsWith('second'))!.trim().split(/\s+/)).toEqual(['second', 'seats', '3', 'sold', '2']);
    // One event's seats alone: what a storm that names it reads before its load.
    expect((await readSeatSales(fx.clients, `${stack}-seats`, 'second')).map((sale) => sale.seatId).sort()).toEqual(['second/S0001', 'second/S0002', 'second/S0003']);
  });
});
