import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iamActions, iamPolicy } from '../../src/aws/iam-policy.js';

const src = new URL('../../src/', import.meta.url).pathname;
const prefixes: Record<string, string> = { sqs: 'sqs', sns: 'sns', dynamodb: 'dynamodb', sfn: 'states', sts: 'sts', iam: 'iam' };
/** SDK operations whose IAM action has another name. */
const actionNames: Record<string, string> = { DeleteMessageBatch: 'DeleteMessage', ChangeMessageVisibilityBatch: 'ChangeMessageVisibility', SendMessageBatch: 'SendMessage' };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // The embedded endpoint serves AWS calls; it makes none to AWS.
    if (entry.isDirectory()) return entry.name === 'emulator' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The IAM actions of the SDK calls a file makes: `new XCommand(` (aliases followed), `paginateX(` and `waitUntilTableExists`, by the client package each comes from. */
function actionsCalledIn(text: string): string[] {
  const actions: string[] = [];
  for (const [, names, client] of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z]+)'/g)) {
    const prefix = prefixes[client!];
    if (!prefix) continue;
    for (const part of names!.split(',').map((name) => name.trim()).filter(Boolean)) {
      const [imported, local = imported] = part.replace(/^type\s+/, '').split(/\s+as\s+/) as [string, string?];
      const used = (pattern: string) => new RegExp(`\\b${pattern}\\(`).test(text);
      let operation: string | undefined;
      if (imported.endsWith('Command') && used(`new ${local}`)) operation = imported.slice(0, -'Command'.length);
      else if (imported.startsWith('paginate') && used(local!)) operation = imported.slice('paginate'.length);
      else if (imported === 'waitUntilTableExists' && used(local!)) operation = 'DescribeTable';
      if (operation) actions.push(`${prefix}:${actionNames[operation] ?? operation}`);
    }
  }
  return actions;
}

describe('the IAM actions booksim needs', () => {
  const listed = new Set(iamActions.map((use) => use.action));
  const called = new Map<string, string[]>();
  for (const file of sources(src)) for (const action of actionsCalledIn(readFileSync(file, 'utf8'))) called.set(action, [...(called.get(action) ?? []), file.slice(src.length)]);

  it('finds the SDK calls in src/ (the scan works)', () => {
    expect(called.get('sns:CreateTopic')).toEqual(['deploy/deploy.ts']);
    expect(called.get('states:ListTagsForResource')).toEqual(['deploy/tags.ts']);
    expect(called.get('iam:CreateRole')).toEqual(['deploy/saga-role.ts']);
    expect(called.get('sqs:DeleteMessage')).toBeDefined();
    expect(called.size).toBeGreaterThan(40);
  });

  it('lists every action a call in src/ needs', () => {
    const missing = [...called].filter(([action]) => !listed.has(action)).map(([action, files]) => `${action} (${files.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('lists nothing booksim does not call, but the permissions a call needs beyond its own name', () => {
    // Tags on creation need the service's tag permission; a state machine's role must be passed.
    const implied = new Set(['sns:TagResource', 'sqs:TagQueue', 'dynamodb:TagResource', 'states:TagResource', 'iam:PassRole']);
    expect([...listed].filter((action) => !called.has(action) && !implied.has(action))).toEqual([]);
    expect(iamActions.length).toBe(listed.size);
  });

  it('makes a policy with every action once, the listings on "*" and the rest on the stack’s resources', () => {
    const policy = iamPolicy('booksim');
    const actions = policy.Statement.flatMap((statement) => statement.Action);
    // What is never called on AWS (the probe of an IAM endpoint of its own) stays out.
    expect(actions.sort()).toEqual(iamActions.filter((use) => use.scope !== 'local').map((use) => use.action).sort());
    expect(actions).not.toContain('iam:ListRoles');
    const [lists, ...stack] = policy.Statement;
    expect(lists).toMatchObject({ Resource: '*' });
    expect(lists!.Action).toContain('sqs:ListQueues');
    for (const statement of stack) for (const resource of [statement.Resource].flat()) expect(resource).toMatch(/booksim-(\*|saga-role$)/);
    // IAM only on the saga's role itself.
    expect(stack.filter((statement) => statement.Action.some((action) => action.startsWith('iam:'))).flatMap((statement) => [statement.Resource].flat())).toEqual([
      'arn:aws:iam::*:role/booksim-saga-role',
      'arn:aws:iam::*:role/booksim-saga-role',
    ]);
  });
});
