import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  paginateListRolePolicies,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, useEndpoint } from '../helpers/endpoint.js';

const fx = useEndpoint();
const trustPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const inlinePolicy = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

/** The rejection of `call`, for its name, HTTP status and fault. */
async function failure(call: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined; fault: string }> {
  const error = await call.then(
    () => expect.fail('the call succeeded'),
    (thrown: unknown) => thrown as { name: string; message: string; $fault: string; $metadata: { httpStatusCode?: number } },
  );
  return { name: error.name, message: error.message, status: error.$metadata.httpStatusCode, fault: error.$fault };
}

describe('IAM roles through @aws-sdk/client-iam', () => {
  const clients: Record<'default' | 'a' | 'b' | 'euWest', IAMClient> = {} as never;
  beforeAll(() => {
    const as = (accessKeyId: string, region = 'us-east-1') =>
      new IAMClient({ endpoint: fx.endpoint.url, region, credentials: { accessKeyId, secretAccessKey: 'secret' }, maxAttempts: 1 });
    clients.default = as('test');
    clients.a = as('111111111111');
    clients.b = as('222222222222');
    clients.euWest = as('111111111111', 'eu-west-1');
  });
  afterAll(() => Object.values(clients).forEach((client) => client.destroy()));
  const iam = () => clients.default;

  it('when a role is created, GetRole answers it as AWS does: ARN with its path, AROA id, trust policy URL-encoded, tags', async () => {
    const name = uniqueName('saga-role');
    const created = await iam().send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: trustPolicy,
        Path: '/booksim/',
        Description: 'the saga <executes> & "compensates"',
        MaxSessionDuration: 7200,
        Tags: [
          { Key: 'booksim:stack', Value: 'st-1' },
          { Key: 'owner', Value: '' },
        ],
      }),
    );
    expect(created.Role).toMatchObject({
      RoleName: name,
      Path: '/booksim/',
      Arn: `arn:aws:iam::000000000000:role/booksim/${name}`,
      Description: 'the saga <executes> & "compensates"',
      MaxSessionDuration: 7200,
    });
    expect(created.Role!.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(created.Role!.CreateDate).toBeInstanceOf(Date);
    expect(Math.abs(created.Role!.CreateDate!.getTime() - Date.now())).toBeLessThan(60_000);

    const { Role } = await iam().send(new GetRoleCommand({ RoleName: name }));
    expect(Role).toMatchObject({ RoleName: name, RoleId: created.Role!.RoleId, Arn: created.Role!.Arn, RoleLastUsed: {} });
    // URL-encoded per RFC 3986, as AWS returns every policy document.
    expect(Role!.AssumeRolePolicyDocument).toMatch(/^%7B%22Version%22%3A/);
    expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toBe(trustPolicy);
    expect(Role!.Tags).toEqual([
      { Key: 'booksim:stack', Value: 'st-1' },
      { Key: 'owner', Value: '' },
    ]);
  });

  it('when a role is created without a path, its path is / and its session limit one hour', async () => {
    const name = uniqueName('plain');
    const { Role } = await iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy }));
    expect(Role).toMatchObject({ Path: '/', Arn: `arn:aws:iam::000000000000:role/${name}`, MaxSessionDuration: 3600 });
    expect(Role!.Tags).toBeUndefined();
  });

  it('when a role name is taken, in any case, CreateRole fails with EntityAlreadyExists (409) and GetRole finds it without case', async () => {
    const name = uniqueName('dup');
    await iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy }));
    const again = await failure(iam().send(new CreateRoleCommand({ RoleName: name.toUpperCase(), AssumeRolePolicyDocument: trustPolicy })));
    expect(again).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409, fault: 'client' });
    expect(again.message).toBe(`Role with name ${name.toUpperCase()} already exists.`);
    expect((await iam().send(new GetRoleCommand({ RoleName: name.toUpperCase() }))).Role!.RoleName).toBe(name);
  });

  it('when tags are added, replaced and removed, ListRoleTags reads them back', async () => {
    const name = uniqueName('tagged');
    await iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy, Tags: [{ Key: 'env', Value: 'local' }] }));
    await iam().send(new TagRoleCommand({ RoleName: name, Tags: [{ Key: 'ENV', Value: 'chaos' }, { Key: 'team', Value: 'seats' }] }));
    expect((await iam().send(new ListRoleTagsCommand({ RoleName: name }))).Tags).toEqual([
      { Key: 'ENV', Value: 'chaos' },
      { Key: 'team', Value: 'seats' },
    ]);
    await iam().send(new UntagRoleCommand({ RoleName: name, TagKeys: ['env', 'absent'] }));
    const listed = await iam().send(new ListRoleTagsCommand({ RoleName: name }));
    expect(listed).toMatchObject({ Tags: [{ Key: 'team', Value: 'seats' }], IsTruncated: false });

    const duplicate = await failure(iam().send(new TagRoleCommand({ RoleName: name, Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] })));
    expect(duplicate).toMatchObject({ name: 'InvalidInputException', status: 400 });
    const tooMany = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect(await failure(iam().send(new TagRoleCommand({ RoleName: name, Tags: tooMany })))).toMatchObject({ name: 'LimitExceededException', status: 409 });
  });

  it('when inline policies are put, they are read, listed page by page, replaced and deleted', async () => {
    const name = uniqueName('inline');
    await iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy }));
    await iam().send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'tables', PolicyDocument: inlinePolicy('dynamodb:*') }));
    await iam().send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'activities', PolicyDocument: inlinePolicy('states:*') }));
    await iam().send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'tables', PolicyDocument: inlinePolicy('dynamodb:PutItem') }));

    const got = await iam().send(new GetRolePolicyCommand({ RoleName: name, PolicyName: 'tables' }));
    expect(got).toMatchObject({ RoleName: name, PolicyName: 'tables' });
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(inlinePolicy('dynamodb:PutItem'));

    expect(await iam().send(new ListRolePoliciesCommand({ RoleName: name }))).toMatchObject({ PolicyNames: ['activities', 'tables'], IsTruncated: false });
    const first = await iam().send(new ListRolePoliciesCommand({ RoleName: name, MaxItems: 1 }));
    expect(first).toMatchObject({ PolicyNames: ['activities'], IsTruncated: true });
    const pages: string[][] = [];
    for await (const page of paginateListRolePolicies({ client: iam(), pageSize: 1 }, { RoleName: name })) pages.push(page.PolicyNames ?? []);
    expect(pages).toEqual([['activities'], ['tables']]);

    await iam().send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: 'activities' }));
    expect((await iam().send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames).toEqual(['tables']);
    const gone = await failure(iam().send(new GetRolePolicyCommand({ RoleName: name, PolicyName: 'activities' })));
    expect(gone).toMatchObject({ name: 'NoSuchEntityException', status: 404, message: 'The role policy with name activities cannot be found.' });
    expect(await failure(iam().send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: 'activities' })))).toMatchObject({ name: 'NoSuchEntityException' });
  });

  it('when a role still has inline policies, DeleteRole fails with DeleteConflict (409); once they are gone it deletes, and the role is NoSuchEntity', async () => {
    const name = uniqueName('doomed');
    await iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy }));
    await iam().send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: inlinePolicy('sqs:*') }));
    const conflict = await failure(iam().send(new DeleteRoleCommand({ RoleName: name })));
    expect(conflict).toMatchObject({ name: 'DeleteConflictException', status: 409, message: 'Cannot delete entity, must delete policies first.' });

    await iam().send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: 'p' }));
    await iam().send(new DeleteRoleCommand({ RoleName: name }));
    const missing = await failure(iam().send(new GetRoleCommand({ RoleName: name })));
    expect(missing).toMatchObject({ name: 'NoSuchEntityException', status: 404, fault: 'client', message: `The role with name ${name} cannot be found.` });
    expect(await failure(iam().send(new DeleteRoleCommand({ RoleName: name })))).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    expect(await failure(iam().send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: '{}' })))).toMatchObject({
      name: 'NoSuchEntityException',
    });
    // The name is free again.
    await iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy }));
  });

  it('when a policy document is not JSON, CreateRole and PutRolePolicy fail with MalformedPolicyDocument (400) and nothing is kept', async () => {
    const name = uniqueName('malformed');
    const create = await failure(iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: '{"Version": "2012-10-17",' })));
    expect(create).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 });
    expect(await failure(iam().send(new GetRoleCommand({ RoleName: name })))).toMatchObject({ name: 'NoSuchEntityException' });

    await iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy }));
    const put = await failure(iam().send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: 'not json' })));
    expect(put).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 });
    expect((await iam().send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames).toEqual([]);
  });

  it('when parameters break the model constraints, the call fails with one ValidationError (400) naming each', async () => {
    const invalidName = await failure(iam().send(new GetRoleCommand({ RoleName: 'no spaces allowed' })));
    expect(invalidName).toMatchObject({ name: 'ValidationError', status: 400, fault: 'client' });
    expect(invalidName.message).toBe(
      "1 validation error detected: Value 'no spaces allowed' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
    const several = await failure(
      iam().send(new CreateRoleCommand({ RoleName: 'r'.repeat(65), AssumeRolePolicyDocument: trustPolicy, Path: 'no-slashes', MaxSessionDuration: 60 })),
    );
    expect(several.name).toBe('ValidationError');
    expect(several.message).toMatch(/^3 validation errors detected: /);
    expect(several.message).toContain("at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64");
    expect(several.message).toContain("Value 'no-slashes' at 'path'");
    expect(several.message).toContain("Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600");
  });

  it('when roles are listed, ListRoles answers the account\'s roles under the path prefix by name, without tags, page by page', async () => {
    const prefix = `/${uniqueName('list')}/`;
    const names = ['b-role', 'A-role', 'c-role'];
    for (const name of names) {
      await clients.a.send(new CreateRoleCommand({ RoleName: `${name}-${process.pid}`, Path: prefix, AssumeRolePolicyDocument: trustPolicy, Tags: [{ Key: 'k', Value: 'v' }] }));
    }
    const all = await clients.a.send(new ListRolesCommand({ PathPrefix: prefix }));
    expect(all.Roles!.map((role) => role.RoleName)).toEqual([`A-role-${process.pid}`, `b-role-${process.pid}`, `c-role-${process.pid}`]);
    expect(all.Roles![0]).toMatchObject({ Path: prefix, Arn: `arn:aws:iam::111111111111:role${prefix}A-role-${process.pid}` });
    expect(all.Roles![0]!.Tags).toBeUndefined();
    expect(all.IsTruncated).toBe(false);

    const first = await clients.a.send(new ListRolesCommand({ PathPrefix: prefix, MaxItems: 2 }));
    expect(first).toMatchObject({ IsTruncated: true });
    const rest = await clients.a.send(new ListRolesCommand({ PathPrefix: prefix, MaxItems: 2, Marker: first.Marker }));
    expect(rest.Roles!.map((role) => role.RoleName)).toEqual([`c-role-${process.pid}`]);
    expect((await clients.b.send(new ListRolesCommand({ PathPrefix: prefix }))).Roles).toEqual([]);
  });

  it('when an unsigned form names an IAM action, it is routed to IAM and errors are an ErrorResponse in the IAM namespace', async () => {
    const response = await fetch(fx.endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetRole&Version=2010-05-08&RoleName=nobody',
    });
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).toContain('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">');
    expect(body).toContain('<Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name nobody cannot be found.</Message></Error>');
    expect(body).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
  });

  it('when two accounts name a role alike, each has its own; IAM is global, so one account sees its role from every region', async () => {
    const name = uniqueName('shared');
    const inA = await clients.a.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy }));
    expect(inA.Role!.Arn).toBe(`arn:aws:iam::111111111111:role/${name}`);
    expect(await failure(clients.b.send(new GetRoleCommand({ RoleName: name })))).toMatchObject({ name: 'NoSuchEntityException' });
    expect(await failure(iam().send(new GetRoleCommand({ RoleName: name })))).toMatchObject({ name: 'NoSuchEntityException' });

    const inB = await clients.b.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy }));
    expect(inB.Role!.Arn).toBe(`arn:aws:iam::222222222222:role/${name}`);
    expect(inB.Role!.RoleId).not.toBe(inA.Role!.RoleId);

    expect((await clients.euWest.send(new GetRoleCommand({ RoleName: name }))).Role!.Arn).toBe(inA.Role!.Arn);
    await clients.b.send(new DeleteRoleCommand({ RoleName: name }));
    expect((await clients.a.send(new GetRoleCommand({ RoleName: name }))).Role!.RoleId).toBe(inA.Role!.RoleId);
  });
});
