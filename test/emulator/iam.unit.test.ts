import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/random.js';
import { AwsError } from '../../src/emulator/aws-error.js';
import { Constraints, path, roleName } from '../../src/emulator/iam/constraints.js';
import { pageOf } from '../../src/emulator/iam/pagination.js';
import { checkPolicyDocument, policySize, urlEncodedPolicy } from '../../src/emulator/iam/policy-document.js';
import { isoSeconds, newRoleId, roleArn } from '../../src/emulator/iam/role.js';
import { withTags, withoutTags } from '../../src/emulator/iam/tags.js';

/** The AwsError `run` throws, by its query code and status. */
function thrown(run: () => unknown): { code: string; status: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof AwsError) return { code: error.queryCode, status: error.status, message: error.message };
    throw error;
  }
  return expect.fail('nothing was thrown');
}

describe('IAM constraints', () => {
  const validate = (params: Record<string, unknown>, read: (check: Constraints) => void) => () => {
    const check = new Constraints(params);
    read(check);
    check.check();
  };

  it.each(['saga', 'booksim-saga_role.v2', 'a+b=c,d@e', 'r'.repeat(64)])('when a role name is %s, it passes', (name) => {
    expect(() => validate({ RoleName: name }, (check) => check.required('RoleName', roleName))()).not.toThrow();
  });

  it.each([
    ['has a space', 'a b', 'Member must satisfy regular expression pattern: [\\w+=,.@-]+'],
    ['has a slash', 'a/b', 'Member must satisfy regular expression pattern'],
    ['is empty', '', 'Member must have length greater than or equal to 1'],
    ['is 65 characters', 'r'.repeat(65), 'Member must have length less than or equal to 64'],
  ])('when a role name %s, it is a ValidationError (400)', (_, name, reason) => {
    const error = thrown(validate({ RoleName: name }, (check) => check.required('RoleName', roleName)));
    expect(error).toMatchObject({ code: 'ValidationError', status: 400 });
    expect(error.message).toContain(`1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: ${reason}`);
  });

  it('when a required member is absent, it is "must not be null"; several failures make one error', () => {
    const error = thrown(
      validate({ Path: 'x' }, (check) => {
        check.required('RoleName', roleName);
        check.optional('Path', path);
      }),
    );
    expect(error.message).toBe(
      "2 validation errors detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null; " +
        "Value 'x' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
    );
  });

  it.each([['/'], ['/a/b/'], ['/booksim/']])('when a path is %s, it passes', (value) => {
    expect(() => validate({ Path: value }, (check) => check.optional('Path', path))()).not.toThrow();
  });

  it('when tags are read, the empty list (`Tags=`) is none and a tag without a value is named by its position', () => {
    const read = (params: Record<string, unknown>) => {
      const check = new Constraints(params);
      const tags = check.tags('Tags', false);
      check.check();
      return tags;
    };
    expect(read({ Tags: '' })).toEqual([]);
    expect(read({ Tags: [{ Key: 'k', Value: '' }] })).toEqual([{ Key: 'k', Value: '' }]);
    expect(thrown(() => read({ Tags: [{ Key: 'k', Value: 'v' }, { Key: 'k2' }] })).message).toContain("Value null at 'tags.2.member.value'");
    expect(thrown(() => read({ Tags: [{ Key: 'bad#key', Value: 'v' }] })).message).toContain("'tags.1.member.key'");
  });

  it('when an integer is out of range or not a number, it is refused', () => {
    const read = (value: string) => validate({ MaxSessionDuration: value }, (check) => check.integer('MaxSessionDuration', 3600, 43200));
    expect(() => read('43200')()).not.toThrow();
    expect(thrown(read('43201')).message).toContain('Member must have value less than or equal to 43200');
    expect(thrown(read('1.5')).message).toContain('Member must be an integer');
  });
});

describe('IAM policy documents', () => {
  it('when a document is not JSON, or JSON but not an object, it is MalformedPolicyDocument (400)', () => {
    expect(thrown(() => checkPolicyDocument('{'))).toEqual({ code: 'MalformedPolicyDocument', status: 400, message: 'This policy contains invalid Json' });
    expect(thrown(() => checkPolicyDocument('[1]'))).toMatchObject({ code: 'MalformedPolicyDocument' });
    expect(() => checkPolicyDocument('{"Version":"2012-10-17","Statement":[]}')).not.toThrow();
  });

  it('when a document is returned, it is URL-encoded per RFC 3986: only letters, digits and -._~ stay', () => {
    expect(urlEncodedPolicy(`{"a": "b c!'()*~-._é"}`)).toBe('%7B%22a%22%3A%20%22b%20c%21%27%28%29%2A~-._%C3%A9%22%7D');
    expect(decodeURIComponent(urlEncodedPolicy('{"x":"?&=/+"}'))).toBe('{"x":"?&=/+"}');
  });

  it('when a document has whitespace between tokens, it does not count towards the size quota', () => {
    expect(policySize('{ "a" : [ 1 , 2 ] }')).toBe(policySize('{"a":[1,2]}'));
    expect(policySize('{"a":"x y"}')).toBe(11);
  });
});

describe('IAM roles', () => {
  it('when an ARN is made, it names the account and the path, and no region', () => {
    expect(roleArn('111111111111', '/', 'saga')).toBe('arn:aws:iam::111111111111:role/saga');
    expect(roleArn('111111111111', '/booksim/x/', 'saga')).toBe('arn:aws:iam::111111111111:role/booksim/x/saga');
  });

  it('when role ids are drawn, they are AROA and 17 uppercase letters or digits, the same for the same seed', () => {
    const a = seededRandom(7);
    const ids = Array.from({ length: 100 }, () => newRoleId(a));
    for (const id of ids) expect(id).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(new Set(ids).size).toBe(100);
    expect(newRoleId(seededRandom(7))).toBe(ids[0]);
  });

  it('when a date is written, it is ISO 8601 UTC to the second', () => {
    expect(isoSeconds(Date.UTC(2026, 11, 7, 16, 5, 9, 123))).toBe('2026-12-07T16:05:09Z');
  });
});

describe('IAM tags', () => {
  it('when tags are added, a key the role has in any case is overwritten in place and new keys go last', () => {
    expect(withTags([{ Key: 'env', Value: 'a' }, { Key: 'x', Value: '1' }], [{ Key: 'y', Value: '2' }, { Key: 'ENV', Value: 'b' }])).toEqual([
      { Key: 'ENV', Value: 'b' },
      { Key: 'x', Value: '1' },
      { Key: 'y', Value: '2' },
    ]);
  });

  it('when a request repeats a key in another case, it is InvalidInput (400)', () => {
    expect(thrown(() => withTags([], [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }]))).toMatchObject({ code: 'InvalidInput', status: 400 });
  });

  it('when a role would have more than 50 tags, it is LimitExceeded (409)', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: '' }));
    expect(withTags([], fifty)).toHaveLength(50);
    expect(withTags(fifty, [{ Key: 'K0', Value: 'again' }])).toHaveLength(50);
    expect(thrown(() => withTags(fifty, [{ Key: 'one-more', Value: '' }]))).toMatchObject({ code: 'LimitExceeded', status: 409 });
  });

  it('when tags are removed, keys compare without case and absent keys are no error', () => {
    expect(withoutTags([{ Key: 'Env', Value: 'a' }, { Key: 'x', Value: '1' }], ['ENV', 'missing'])).toEqual([{ Key: 'x', Value: '1' }]);
  });
});

describe('IAM pagination', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];

  it('when MaxItems is smaller than the list, pages follow each other by Marker until IsTruncated is false', () => {
    const first = pageOf(items, undefined, 2);
    expect(first).toMatchObject({ items: ['a', 'b'], IsTruncated: true });
    const second = pageOf(items, first.Marker, 2);
    expect(second).toMatchObject({ items: ['c', 'd'], IsTruncated: true });
    expect(pageOf(items, second.Marker, 2)).toEqual({ items: ['e'], IsTruncated: false });
    expect(pageOf(items, undefined)).toEqual({ items, IsTruncated: false });
  });

  it('when a Marker was not given out here, it is a ValidationError', () => {
    expect(thrown(() => pageOf(items, 'bogus'))).toMatchObject({ code: 'ValidationError', status: 400 });
  });
});
