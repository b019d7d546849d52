import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployStack } from '../../src/deploy/deploy.js';
import { runCli, runCliInSetup, unwrap } from '../helpers/cli.js';
import { useEndpoint, uniqueName } from '../helpers/endpoint.js';

describe('booksim report (the built CLI)', { timeout: 120_000 }, () => {
  const fx = useEndpoint();
  const reports = mkdtempSync(join(tmpdir(), 'booksim-report-'));
  const storm = async (...extra: string[]) => {
    const stack = uniqueName('cli-report');
    await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
    const result = await runCliInSetup(['storm', '--endpoint', fx.endpoint.url, '--stack', stack, '--seats', '4', '--bookings', '20', '--rps', '20', '--seed', '5', '--reports-dir', reports, '--json', ...extra]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as { runId: string; runDir: string; report?: string };
  };
  let first: { runId: string; runDir: string; report?: string };
  let second: { runId: string; runDir: string; report?: string };

  beforeAll(async () => {
    first = await storm('--scenario', 'declines');
    second = await storm('--no-report');
  }, 120_000);

  it('when a storm ends, it has written report.html (not verified yet); with --no-report it has not', () => {
    expect(first.report).toBe(join(first.runDir, 'report.html'));
    expect(readFileSync(first.report!, 'utf8')).toMatch(/not verified/i);
    expect(existsSync(join(second.runDir, 'report.html'))).toBe(false);
  });

  it('when verify runs, it rewrites the report with the verdict', async () => {
    const verify = await runCli(['verify', '--endpoint', fx.endpoint.url, '--run', first.runId, '--reports-dir', reports]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain(`report: ${join(first.runDir, 'report.html')}`);
    const html = readFileSync(join(first.runDir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/not verified/i);
    expect(html).toContain('no-double-booking');
  });

  it('when asked for a run with --out, it writes the file there and says where', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'booksim-report-out-')), 'ci.html');
    const result = await runCli(['report', '--run', second.runId, '--reports-dir', reports, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`report written: ${out}`);
    expect(readFileSync(out, 'utf8')).toContain(second.runId);
  });

  it('when asked to --compare two runs, it writes one page naming both', async () => {
    const result = await runCli(['report', '--compare', first.runId, second.runId, '--reports-dir', reports, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const written = JSON.parse(result.stdout) as { file: string; runIds: string[] };
    expect(written.runIds).toEqual([first.runId, second.runId]);
    const html = readFileSync(written.file, 'utf8');
    expect(html).toContain(first.runId);
    expect(html).toContain(second.runId);
  });

  it.each([
    [['--run', 'no-such-run'], 'no run no-such-run'],
    [['--compare', 'latest'], '--compare needs two runs or more'],
  ])('when given %j, it refuses with exit 2 and says why', async (args, message) => {
    const result = await runCli(['report', '--reports-dir', reports, ...args]);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain(message);
  });

  it('when the directory holds no run.json, it says there is no run to report on, exit 2', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'booksim-report-empty-'));
    const result = await runCli(['report', '--run', empty]);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('no run.json');
    expect(readdirSync(empty)).toEqual([]);
  });

  it('when run.json’s summary lacks a part the report is drawn from (an older booksim’s run), it names the part, exit 2, no stack trace', async () => {
    const old = mkdtempSync(join(tmpdir(), 'booksim-report-old-'));
    const { awsCalls, ...summary } = JSON.parse(readFileSync(new URL('../fixtures/storm-summary.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    expect(awsCalls).toBeDefined();
    writeFileSync(join(old, 'run.json'), JSON.stringify({ config: { stack: 'shop', endpoint: 'http://127.0.0.1:4566' }, summary }));
    const result = await runCli(['report', '--run', old]);
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('run.json has no summary.awsCalls: it was written by an older booksim');
    expect(result.stderr).not.toContain('TypeError');
    expect(readdirSync(old)).toEqual(['run.json']);
  });
});
