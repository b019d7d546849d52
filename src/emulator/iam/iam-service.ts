import type { Clock } from '../../clock.js';
import type { Random } from '../../random.js';
import type { RequestContext } from '../http.js';
import type { Operation } from '../json-protocol.js';
import type { Params } from '../params.js';
import * as constraint from './constraints.js';
import { Constraints } from './constraints.js';
import { deleteConflict, entityAlreadyExists, limitExceeded, noSuchEntity } from './iam-errors.js';
import { pageOf } from './pagination.js';
import { checkPolicyDocument, maxInlinePolicyChars, policySize, urlEncodedPolicy } from './policy-document.js';
import { defaultMaxSessionDuration, describeRole, maxSessionDurationLimit, newRoleId, roleArn, type Role } from './role.js';
import { checkDistinctKeys, withoutTags, withTags } from './tags.js';

export interface IamOptions {
  clock: Clock;
  /** Draws the roles' ids. */
  random: Random;
}

/**
 * Booksim's IAM: every account's roles, with their tags and inline policies, through the
 * role operations of IAM's query protocol. IAM is global, so an account's roles are the
 * same whatever region a request was signed for. Policies are stored and returned, never
 * evaluated: no call to booksim local is ever denied. Role names are unique without case
 * within an account, as on AWS. Operations take the decoded form and return the result
 * shape (undefined for the operations without output), or throw an AwsError.
 */
export class IamService {
  readonly operations: Record<string, Operation>;
  /** Roles by account, then by name in lower case. */
  private readonly accounts = new Map<string, Map<string, Role>>();

  constructor(private readonly options: IamOptions) {
    this.operations = {
      CreateRole: (p, c) => this.createRole(p, c),
      GetRole: (p, c) => ({ Role: describeRole(this.roleOf(p, c), true) }),
      // The roles under a path prefix, by name; as on AWS, without their tags or RoleLastUsed.
      ListRoles: (p, c) => {
        const check = new Constraints(p);
        const prefix = check.optional('PathPrefix', constraint.pathPrefix) ?? '/';
        const marker = check.optional('Marker', constraint.marker);
        const maxItems = check.integer('MaxItems', 1, 1000);
        check.check();
        const roles = [...this.rolesOf(c).values()].filter((role) => role.path.startsWith(prefix)).sort(byName);
        const { items, ...page } = pageOf(roles, marker, maxItems);
        return { Roles: items.map((role) => ({ ...describeRole(role), Tags: undefined })), ...page };
      },
      DeleteRole: (p, c) => {
        const role = this.roleOf(p, c);
        if (role.policies.size > 0) throw deleteConflict('Cannot delete entity, must delete policies first.');
        this.rolesOf(c).delete(role.name.toLowerCase());
      },
      PutRolePolicy: (p, c) => this.putRolePolicy(p, c),
      GetRolePolicy: (p, c) => {
        const { role, policyName } = this.rolePolicyOf(p, c);
        return { RoleName: role.name, PolicyName: policyName, PolicyDocument: urlEncodedPolicy(role.policies.get(policyName)!) };
      },
      DeleteRolePolicy: (p, c) => {
        const { role, policyName } = this.rolePolicyOf(p, c);
        role.policies.delete(policyName);
      },
      ListRolePolicies: (p, c) => {
        const { role, marker, maxItems } = this.listRequest(p, c);
        const { items, ...page } = pageOf([...role.policies.keys()].sort(), marker, maxItems);
        return { PolicyNames: items, ...page };
      },
      TagRole: (p, c) => {
        const check = new Constraints(p);
        const name = check.required('RoleName', constraint.roleName);
        const tags = check.tags('Tags', true);
        check.check();
        const role = this.roleNamed(name!, c);
        role.tags = withTags(role.tags, tags);
      },
      UntagRole: (p, c) => {
        const check = new Constraints(p);
        const name = check.required('RoleName', constraint.roleName);
        const keys = check.tagKeys('TagKeys');
        check.check();
        const role = this.roleNamed(name!, c);
        role.tags = withoutTags(role.tags, keys);
      },
      ListRoleTags: (p, c) => {
        const { role, marker, maxItems } = this.listRequest(p, c);
        const { items, ...page } = pageOf(role.tags, marker, maxItems);
        return { Tags: items, ...page };
      },
    };
  }

  private createRole(params: Params, context: RequestContext) {
    const check = new Constraints(params);
    const name = check.required('RoleName', constraint.roleName);
    const trustPolicy = check.required('AssumeRolePolicyDocument', constraint.policyDocument);
    const path = check.optional('Path', constraint.path) ?? '/';
    const description = check.optional('Description', constraint.description);
    const maxSessionDuration = check.integer('MaxSessionDuration', defaultMaxSessionDuration, maxSessionDurationLimit) ?? defaultMaxSessionDuration;
    const tags = check.tags('Tags', false);
    check.check();
    checkPolicyDocument(trustPolicy!);
    checkDistinctKeys(tags);
    const roles = this.rolesOf(context);
    if (roles.has(name!.toLowerCase())) throw entityAlreadyExists(`Role with name ${name} already exists.`);
    const role: Role = {
      name: name!,
      path,
      id: newRoleId(this.options.random),
      arn: roleArn(context.accountId, path, name!),
      createdAt: this.options.clock.now(),
      assumeRolePolicyDocument: trustPolicy!,
      ...(description !== undefined ? { description } : {}),
      maxSessionDuration,
      tags,
      policies: new Map(),
    };
    roles.set(name!.toLowerCase(), role);
    return { Role: describeRole(role) };
  }

  private putRolePolicy(params: Params, context: RequestContext): void {
    const check = new Constraints(params);
    const name = check.required('RoleName', constraint.roleName);
    const policyName = check.required('PolicyName', constraint.policyName);
    const document = check.required('PolicyDocument', constraint.policyDocument);
    check.check();
    checkPolicyDocument(document!);
    const role = this.roleNamed(name!, context);
    const others = [...role.policies].filter(([other]) => other !== policyName).reduce((size, [, text]) => size + policySize(text), 0);
    if (others + policySize(document!) > maxInlinePolicyChars) {
      throw limitExceeded(`Maximum policy size of ${maxInlinePolicyChars} bytes exceeded for role ${role.name}`);
    }
    role.policies.set(policyName!, document!);
  }

  /** The roles of the request's account, in every region. */
  private rolesOf(context: RequestContext): Map<string, Role> {
    let roles = this.accounts.get(context.accountId);
    if (!roles) this.accounts.set(context.accountId, (roles = new Map()));
    return roles;
  }

  /** The role a request's RoleName names; ValidationError when it is not a role name, NoSuchEntity when there is none. */
  private roleOf(params: Params, context: RequestContext): Role {
    const check = new Constraints(params);
    const name = check.required('RoleName', constraint.roleName);
    check.check();
    return this.roleNamed(name!, context);
  }

  private roleNamed(name: string, context: RequestContext): Role {
    const role = this.rolesOf(context).get(name.toLowerCase());
    if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
    return role;
  }

  private rolePolicyOf(params: Params, context: RequestContext): { role: Role; policyName: string } {
    const check = new Constraints(params);
    const name = check.required('RoleName', constraint.roleName);
    const policyName = check.required('PolicyName', constraint.policyName);
    check.check();
    const role = this.roleNamed(name!, context);
    if (!role.policies.has(policyName!)) throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
    return { role, policyName: policyName! };
  }

  private listRequest(params: Params, context: RequestContext): { role: Role; marker?: string; maxItems?: number } {
    const check = new Constraints(params);
    const name = check.required('RoleName', constraint.roleName);
    const marker = check.optional('Marker', constraint.marker);
    const maxItems = check.integer('MaxItems', 1, 1000);
    check.check();
    return { role: this.roleNamed(name!, context), ...(marker !== undefined ? { marker } : {}), ...(maxItems !== undefined ? { maxItems } : {}) };
  }
}

/** Roles in name order, without case (their names are unique without case), by UTF-16 code units rather than a locale. */
function byName(a: Role, b: Role): number {
  const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
}
