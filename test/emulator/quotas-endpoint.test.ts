import { describe, expect, it } from 'vitest';
import { BooksimError } from '../../src/errors.js';
import { startEmbeddedEndpoint } from '../../src/emulator/server.js';
import { quotasPath } from '../../src/model/quotas.js';
import { useEndpoint } from '../helpers/endpoint.js';

const quotaReport = async (url: string) => {
  const response = await fetch(`${url}${quotasPath}`);
  return { status: response.status, body: (await response.json()) as unknown };
};

describe('GET /_booksim/quotas without --aws-quotas', () => {
  const fixture = useEndpoint();

  it('answers 200 with quotas off', async () => {
    expect(await quotaReport(fixture.endpoint.url)).toEqual({ status: 200, body: { enabled: false } });
  });
});

describe('GET /_booksim/quotas with --aws-quotas', () => {
  const fixture = useEndpoint({ awsQuotas: { region: 'eu-west-1' } });

  it('names the region whose figures apply and what was throttled: nothing yet', async () => {
    expect(await quotaReport(fixture.endpoint.url)).toEqual({ status: 200, body: { region: 'eu-west-1', throttles: [] } });
  });
});

describe('the awsQuotas option', () => {
  it('takes a region no quota file lists (its default figures apply)', async () => {
    const endpoint = await startEmbeddedEndpoint({ port: 0, awsQuotas: { region: 'ap-southeast-7' } });
    try {
      expect((await quotaReport(endpoint.url)).body).toEqual({ region: 'ap-southeast-7', throttles: [] });
    } finally {
      await endpoint.close();
    }
  });

  it.each(['US-EAST-1', 'us-east', 'moon-base-1', 'useast1'])('refuses %s, which is not an AWS region name, with a usage error', async (region) => {
    const started = startEmbeddedEndpoint({ port: 0, awsQuotas: { region } });
    await expect(started).rejects.toThrow(BooksimError);
    await expect(started).rejects.toThrow(`--aws-quotas ${region} is not an AWS region name`);
  });
});
