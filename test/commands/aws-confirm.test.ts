import { describe, expect, it, vi } from 'vitest';
import { confirmAws } from '../../src/aws/confirm.js';
import { resolveEndpoint } from '../../src/aws/endpoint.js';
import { BooksimError } from '../../src/errors.js';
import { loopbackAccount, loopbackAwsEnv, startLoopbackAws } from '../helpers/aws-loopback.js';
import { runCli, unwrap } from '../helpers/cli.js';

// --endpoint aws as a user runs it, with every call of the SDK's default resolver sent to a
// loopback stand-in (AWS_ENDPOINT_URL) and fake credentials: the resolver, the credential
// chain and the confirmation are real; AWS is never reached.
describe('--endpoint aws: the confirmation', () => {
  const sts = { service: 'sts', action: 'GetCallerIdentity' };

  it.each([
    ['deploy', ['deploy', '--stack', 'aws-gate', '--role-arn', 'arn:aws:iam::123456789012:role/booksim-saga'], 'create or update the resources of stack aws-gate'],
    ['destroy', ['destroy', '--stack', 'aws-gate'], 'delete the resources of stack aws-gate'],
    ['storm', ['storm', '--stack', 'aws-gate', '--bookings', '5'], 'start saga executions, send messages and write the tables of stack aws-gate'],
    ['worker', ['worker', '--stack', 'aws-gate', '--gateway', 'http://127.0.0.1:9'], 'run the functions of stack aws-gate: take its messages and tasks and write its tables'],
    ['run', ['run', '--stack', 'aws-gate', '--bookings', '5', '--role-arn', 'arn:aws:iam::123456789012:role/booksim-saga'], 'create or update the resources of stack aws-gate, then run a storm on it'],
  ])('%s without --yes in a non-interactive run: names account and region, exits 2, calls nothing but STS', async (_name, args, what) => {
    const aws = await startLoopbackAws();
    const result = await runCli([...args, '--endpoint', 'aws', '--region', 'eu-west-1'], loopbackAwsEnv(aws.url));
    const stderr = unwrap(result.stderr);
    expect(result.code, stderr).toBe(2);
    expect(stderr).toContain(`this will ${what} on AWS account ${loopbackAccount} in eu-west-1`);
    expect(stderr).toContain('not going ahead on AWS without --yes in a non-interactive run');
    expect(stderr).toContain('Add --yes to go ahead.');
    expect(aws.calls).toEqual([sts]);
  });

  it('with --yes goes ahead after the line: its next calls (the probe) go to the SDK’s resolver, here loopback', async () => {
    const aws = await startLoopbackAws();
    const result = await runCli(['destroy', '--stack', 'aws-gate', '--endpoint', 'aws', '--region', 'eu-west-1', '--yes'], loopbackAwsEnv(aws.url));
    const stderr = unwrap(result.stderr);
    expect(stderr).toContain(`this will delete the resources of stack aws-gate on AWS account ${loopbackAccount} in eu-west-1`);
    expect(stderr).not.toContain('--yes');
    expect(aws.calls[0]).toEqual(sts);
    // Past the gate: the probe's calls reached the stand-in (which refuses them), signed with the region asked for.
    expect(aws.calls.slice(1).map((call) => call.service)).toContain('sqs');
    expect(result.code).toBe(4);
  });

  it('--json keeps stdout for the result: the line is on stderr', async () => {
    const aws = await startLoopbackAws();
    const result = await runCli(['deploy', '--stack', 'aws-gate', '--role-arn', 'arn:aws:iam::123456789012:role/booksim-saga', '--endpoint', 'aws', '--region', 'eu-west-1', '--json'], loopbackAwsEnv(aws.url));
    expect(result.code).toBe(2);
    expect(result.stdout).not.toContain('this will');
    expect(unwrap(result.stderr)).toContain(`AWS account ${loopbackAccount} in eu-west-1`);
  });

  it('with no region anywhere, is a usage error before any call', async () => {
    const aws = await startLoopbackAws();
    const result = await runCli(['deploy', '--stack', 'aws-gate', '--role-arn', 'arn:aws:iam::123456789012:role/booksim-saga', '--endpoint', 'aws', '--yes'], loopbackAwsEnv(aws.url));
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('--endpoint aws needs a region: none was given');
    expect(aws.calls).toEqual([]);
  });

  it('a --role-arn that is not a role ARN is a usage error before any call', async () => {
    const aws = await startLoopbackAws();
    const result = await runCli(['deploy', '--stack', 'aws-gate', '--role-arn', 'booksim-saga', '--endpoint', 'aws', '--region', 'eu-west-1', '--yes'], loopbackAwsEnv(aws.url));
    expect(result.code).toBe(2);
    expect(unwrap(result.stderr)).toContain('--role-arn "booksim-saga" is not an IAM role ARN');
    expect(aws.calls).toEqual([]);
  });

  it.each([
    ['storm', ['storm', '--stack', 'aws-gate', '--bookings', '5', '--fault', 'aws-throttle:rate=0.1'], 'aws-throttle is injected by a proxy in front of the endpoint'],
    ['run', ['run', '--stack', 'aws-gate', '--bookings', '5', '--scenario', 'kitchen-sink'], 'injected by a proxy in front of the endpoint'],
    ['storm --aws-quotas', ['storm', '--stack', 'aws-gate', '--bookings', '5', '--aws-quotas', 'us-east-1'], '--aws-quotas checks that booksim local enforces'],
    ['sabotage', ['sabotage', '--stack', 'aws-gate'], '--endpoint aws: no-conditional-write is exposed with an AWS fault, which only a local endpoint can inject'],
  ])('%s: what only a local endpoint can do is a usage error before any call', async (_name, args, said) => {
    const aws = await startLoopbackAws();
    const result = await runCli([...args, '--endpoint', 'aws', '--region', 'eu-west-1', '--yes'], loopbackAwsEnv(aws.url));
    expect(result.code, result.stderr).toBe(2);
    expect(unwrap(result.stderr)).toContain(said);
    expect(aws.calls).toEqual([]);
  });

  it('without credentials for the chain, says so (exit 4) and acts on nothing', async () => {
    const aws = await startLoopbackAws();
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...env } = loopbackAwsEnv(aws.url);
    const result = await runCli(['deploy', '--stack', 'aws-gate', '--role-arn', 'arn:aws:iam::123456789012:role/booksim-saga', '--endpoint', 'aws', '--region', 'eu-west-1', '--yes'], env);
    expect(result.code).toBe(4);
    expect(unwrap(result.stderr)).toContain('cannot tell which AWS account --endpoint aws would act on');
    expect(aws.calls).toEqual([]);
  });
});

describe('confirmAws on a terminal', () => {
  const aws = resolveEndpoint({ endpoint: 'aws', region: 'eu-west-1' }, {});

  async function asked(answer: string): Promise<{ said: string[]; questions: string[]; outcome: unknown }> {
    const stand = await startLoopbackAws();
    for (const [name, value] of Object.entries(loopbackAwsEnv(stand.url))) if (name.startsWith('AWS_')) vi.stubEnv(name, value);
    try {
      const said: string[] = [];
      const questions: string[] = [];
      const outcome = await confirmAws(aws, 'delete the resources of stack s', {
        yes: false,
        interactive: true,
        say: (line) => said.push(line),
        ask: (question) => {
          questions.push(question);
          return Promise.resolve(answer);
        },
      }).catch((error: unknown) => error);
      return { said, questions, outcome };
    } finally {
      vi.unstubAllEnvs();
    }
  }

  it('asks y/N after naming account and region, and goes ahead on y', async () => {
    const { said, questions, outcome } = await asked('y');
    expect(said).toEqual([`this will delete the resources of stack s on AWS account ${loopbackAccount} in eu-west-1`]);
    expect(questions).toEqual(['go ahead? [y/N] ']);
    expect(outcome).toBeUndefined();
  });

  it.each(['', 'n', 'no', 'yes please'])('refuses on %j (exit 2)', async (answer) => {
    const { outcome } = await asked(answer);
    expect(outcome).toBeInstanceOf(BooksimError);
    expect((outcome as BooksimError).exitCode).toBe(2);
    expect((outcome as BooksimError).message).toBe('not confirmed: nothing was done on AWS');
  });
});
