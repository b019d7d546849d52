import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { ManualClock } from '../../src/clock.js';
import type { RequestLogEntry } from '../../src/load/run-load.js';
import { readQuotaReport, stormQuotas } from '../../src/storm/quota-record.js';
import { closedEndpoint, uniqueName, useEndpoint } from '../helpers/endpoint.js';
import { createQueue } from '../helpers/sqs.js';

/** A booking request answered at `at` (epoch ms). */
const answeredAt = (at: number): RequestLogEntry => ({ index: 0, requestId: 'r', seatId: 'S0001', tier: 'STANDARD', intendedAt: at - 20, sentAt: at - 20, latencyMs: 20, status: 202 });

describe('the quotas a storm hit, read from booksim local', () => {
  const clock = new ManualClock();
  const fx = useEndpoint({ clock, awsQuotas: { region: 'us-east-1' } });

  it("records each throttle of the storm with the booking rate of the second before its first hit, from the endpoint's record", async () => {
    const sqs = createClients({ endpoint: fx.endpoint.url, maxAttempts: 1 }).sqs;
    const queue = uniqueName('payment', true);
    const url = await createQueue(sqs, queue);
    const before = await readQuotaReport(fx.endpoint.url);
    const send = (i: number) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}`, MessageGroupId: 'g', MessageDeduplicationId: `d${i}` }));
    const outcomes: boolean[] = [];
    for (let i = 0; i < 305; i += 1) outcomes.push(await send(i).then(() => true, () => false));
    expect(outcomes.filter((sent) => !sent)).toHaveLength(5);

    const now = clock.now();
    const requests = [...Array.from({ length: 310 }, (_, i) => answeredAt(now - i)), answeredAt(now - 1500)];
    const quotas = stormQuotas(before, await readQuotaReport(fx.endpoint.url), requests);
    expect(quotas?.region).toBe('us-east-1');
    expect(quotas?.hits).toEqual([
      expect.objectContaining({ quota: 'sqs.fifo.perQueueAction', throttled: 5, rateAtFirstHit: 301, bookingsPerSecondAtFirstHit: 310, firstAt: new Date(now).toISOString() }),
    ]);
    expect(quotas?.hits[0]?.resource).toContain(queue);
    sqs.destroy();
  });
});

describe('the quota record of an endpoint that keeps none', () => {
  const fx = useEndpoint();

  it('is "quotas off" on booksim local without --aws-quotas, and nothing on an endpoint that does not serve it or does not answer', async () => {
    expect(await readQuotaReport(fx.endpoint.url)).toEqual({ enabled: false });
    const notBooksim = createServer((_req, res) => res.writeHead(404).end('<Error><Code>NoSuchBucket</Code></Error>'));
    await new Promise<void>((resolve) => notBooksim.listen(0, '127.0.0.1', resolve));
    try {
      expect(await readQuotaReport(`http://127.0.0.1:${(notBooksim.address() as AddressInfo).port}`)).toBeUndefined();
    } finally {
      notBooksim.close();
    }
    expect(await readQuotaReport(await closedEndpoint())).toBeUndefined();
  });
});
