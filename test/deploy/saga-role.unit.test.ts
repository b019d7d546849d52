import { describe, expect, it } from 'vitest';
import { NoSuchEntityException } from '@aws-sdk/client-iam';
import { isRoleNotYetAssumable, roleFailure, sagaRolePolicy, sagaTrustPolicy, whileRoleAppears, whileRolePropagates } from '../../src/deploy/saga-role.js';
import { BooksimError, ExitCode } from '../../src/errors.js';

/** Step Functions' answer to a role IAM has not spread yet, as the SDK raises it. */
function notYetAssumable(): Error {
  const error = new Error('Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role.');
  error.name = 'AccessDeniedException';
  return error;
}

/** A clock that only moves when slept on, and the waits asked of it. */
function fakeTime() {
  let now = 0;
  const waits: number[] = [];
  return { waits, now: () => now, sleep: async (ms: number) => void (waits.push(ms), (now += ms)) };
}

describe('whileRolePropagates', () => {
  it('tries again while Step Functions cannot assume the new role, waiting 1, 2, 4, then 8 s', async () => {
    const time = fakeTime();
    let calls = 0;
    const answer = await whileRolePropagates(async () => {
      calls += 1;
      if (calls < 6) throw notYetAssumable();
      return 'arn:aws:states:us-east-1:123456789012:stateMachine:s-saga';
    }, time);
    expect(answer).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:s-saga');
    expect(time.waits).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it('gives up with the error once the next wait would pass the deadline', async () => {
    const time = fakeTime();
    await expect(whileRolePropagates(() => Promise.reject(notYetAssumable()), { ...time, withinMs: 20_000 })).rejects.toThrow(/authorized to assume the provided role/);
    expect(time.waits).toEqual([1000, 2000, 4000, 8000]);
    expect(time.now()).toBeLessThanOrEqual(20_000);
  });

  it('lets any other error through at once', async () => {
    const time = fakeTime();
    const denied = Object.assign(new Error('User is not authorized to perform: states:CreateStateMachine'), { name: 'AccessDeniedException' });
    await expect(whileRolePropagates(() => Promise.reject(denied), time)).rejects.toBe(denied);
    expect(time.waits).toEqual([]);
  });
});

describe('whileRoleAppears', () => {
  it('tries a call on a role just created again while IAM answers NoSuchEntity, and nothing else', async () => {
    const time = fakeTime();
    const missing = new NoSuchEntityException({ message: 'The role with name r cannot be found.', $metadata: {} });
    let calls = 0;
    await whileRoleAppears(async () => {
      calls += 1;
      if (calls < 3) throw missing;
    }, time);
    expect(time.waits).toEqual([1000, 2000]);
    await expect(whileRoleAppears(() => Promise.reject(notYetAssumable()), time)).rejects.toThrow(/authorized to assume/);
    expect(time.waits).toEqual([1000, 2000]);
  });
});

describe('isRoleNotYetAssumable', () => {
  it('is Step Functions’ AccessDeniedException about assuming the role, and nothing else', () => {
    expect(isRoleNotYetAssumable(notYetAssumable())).toBe(true);
    expect(isRoleNotYetAssumable(Object.assign(new Error('not authorized to perform iam:PassRole'), { name: 'AccessDeniedException' }))).toBe(false);
    expect(isRoleNotYetAssumable(Object.assign(new Error(notYetAssumable().message), { name: 'InvalidArn' }))).toBe(false);
    expect(isRoleNotYetAssumable('authorized to assume the provided role')).toBe(false);
  });
});

describe('the saga role’s policies', () => {
  it('trusts Step Functions alone, and allows only sending to the manual-review queue', () => {
    expect(sagaTrustPolicy.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    const arn = 'arn:aws:sqs:eu-west-1:123456789012:lab-manual-review';
    expect(sagaRolePolicy(arn)).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arn }] });
  });
});

describe('roleFailure', () => {
  it('says what IAM answered and the ways round it: a role of one’s own, IAM in LocalStack, or the permission', () => {
    // What the SDK raises for an answer of AWS: a named error with the response's metadata.
    const denied = Object.assign(new Error('User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:GetRole'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const failure = roleFailure(denied, 'lab-saga-role', 'AWS (eu-west-1)') as BooksimError;
    expect(failure).toBeInstanceOf(BooksimError);
    expect(failure.exitCode).toBe(ExitCode.environment);
    expect(failure.message).toBe("could not create or update the saga's role lab-saga-role: AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:GetRole (endpoint AWS (eu-west-1))");
    expect(failure.suggestions.join(' ')).toMatch(/--role-arn ARN .* add iam to SERVICES .* BooksimStackIAM/);
  });

  it('leaves alone what already says what to do: an endpoint that does not answer, a refusal of booksim’s own', () => {
    const refused = new BooksimError('role r exists without a booksim:stack tag', ExitCode.environment, ['Give it with --role-arn.']);
    expect(roleFailure(refused, 'r', 'e')).toBe(refused);
    const unreachable = roleFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }), 'r', 'http://127.0.0.1:9') as BooksimError;
    expect(unreachable.message).toContain('no AWS endpoint answers at http://127.0.0.1:9');
    expect(unreachable.suggestions.join(' ')).toContain('npx booksim local');
  });
});
