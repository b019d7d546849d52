import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { iamPolicy } from '../../src/aws/iam-policy.js';

describe('docs/aws.md', () => {
  it('shows the IAM policy booksim generates for a stack named booksim, as it is now', () => {
    const page = readFileSync(new URL('../../docs/aws.md', import.meta.url), 'utf8');
    const shown = /```json\n([\s\S]*?)\n```/.exec(page)?.[1];
    expect(shown, 'a ```json block').toBeDefined();
    expect(JSON.parse(shown!)).toEqual(iamPolicy('booksim'));
  });
});
