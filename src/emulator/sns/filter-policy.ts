import type { MessageAttributeValue, MessageAttributes } from '../message-attributes.js';
import { invalidParameter } from './sns-errors.js';
import { checkJsonObject } from './topic-attributes.js';

/**
 * A subscription filter policy: each key names a message attribute (or, in MessageBody
 * scope, a property of the JSON body, possibly nested) and lists the conditions its
 * value may meet. A message passes when every key has a value meeting one condition.
 */
export interface FilterPolicy {
  [key: string]: unknown[] | FilterPolicy;
}

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

const comparisons: Record<string, (value: number, bound: number) => boolean> = {
  '=': (value, bound) => value === bound,
  '<': (value, bound) => value < bound,
  '<=': (value, bound) => value <= bound,
  '>': (value, bound) => value > bound,
  '>=': (value, bound) => value >= bound,
};

/**
 * Parses a FilterPolicy attribute. Supported: exact values, `prefix`, `suffix`,
 * `equals-ignore-case`, `anything-but` (values or a prefix), `exists` and `numeric`;
 * anything else is refused with InvalidParameter rather than silently ignored.
 */
export function parseFilterPolicy(raw: string, scope: FilterPolicyScope): FilterPolicy {
  const policy = checkJsonObject('FilterPolicy', raw) as Record<string, unknown>;
  checkPolicy(policy, scope === 'MessageBody');
  return policy as FilterPolicy;
}

function checkPolicy(policy: Record<string, unknown>, nested: boolean): void {
  for (const [key, rule] of Object.entries(policy)) {
    if (Array.isArray(rule)) rule.forEach(checkCondition);
    else if (nested && isObject(rule)) checkPolicy(rule, nested);
    else throw invalidParameter(`FilterPolicy Reason: the value of ${key} must be an array of conditions.`);
  }
}

/** Which operand each supported operator takes. */
const operandChecks: Record<string, (operand: unknown) => boolean> = {
  prefix: (operand) => typeof operand === 'string',
  suffix: (operand) => typeof operand === 'string',
  'equals-ignore-case': (operand) => typeof operand === 'string',
  exists: (operand) => typeof operand === 'boolean',
  'anything-but': (operand) =>
    isScalar(operand) || (Array.isArray(operand) && operand.every(isScalar)) || (isObject(operand) && typeof operand.prefix === 'string'),
  numeric: (operand) => isNumericRange(operand),
};

function checkCondition(condition: unknown): void {
  if (isScalar(condition)) return;
  const entries = isObject(condition) ? Object.entries(condition) : [];
  const [operator, operand] = entries[0] ?? ['', undefined];
  if (entries.length !== 1 || !Object.hasOwn(operandChecks, operator) || !operandChecks[operator]!(operand)) {
    throw invalidParameter(`FilterPolicy Reason: booksim local does not support the condition ${JSON.stringify(condition)}.`);
  }
}

function isNumericRange(operand: unknown): boolean {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) return false;
  return operand.every((item, index) => (index % 2 === 0 ? typeof item === 'string' && item in comparisons : typeof item === 'number'));
}

/** True when a message passes `policy` in `scope`; a body that is not JSON passes no MessageBody policy. */
export function passesFilterPolicy(policy: FilterPolicy, scope: FilterPolicyScope, message: string, attributes: MessageAttributes): boolean {
  if (scope === 'MessageAttributes') {
    return Object.entries(policy).every(([name, rule]) => meetsAny(rule as unknown[], attributeValues(attributes[name])));
  }
  try {
    return passesBody(policy, JSON.parse(message));
  } catch {
    return false;
  }
}

function passesBody(policy: FilterPolicy, body: unknown): boolean {
  return Object.entries(policy).every(([key, rule]) => {
    const value = isObject(body) && Object.hasOwn(body, key) ? body[key] : undefined;
    const values = value === undefined ? undefined : Array.isArray(value) ? value : [value];
    return Array.isArray(rule) ? meetsAny(rule, values) : (values ?? []).some((item) => passesBody(rule, item));
  });
}

/** The values a filter sees in an attribute; undefined when it is absent. Binary values are never matched. */
function attributeValues(attribute: MessageAttributeValue | undefined): unknown[] | undefined {
  if (attribute === undefined) return undefined;
  if (attribute.DataType.startsWith('Number')) return [Number(attribute.StringValue)];
  if (attribute.DataType === 'String.Array') {
    try {
      const parsed: unknown = JSON.parse(attribute.StringValue ?? '');
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }
  return attribute.DataType.startsWith('String') ? [attribute.StringValue] : [];
}

function meetsAny(conditions: unknown[], values: unknown[] | undefined): boolean {
  return conditions.some((condition) => {
    if (isObject(condition) && 'exists' in condition) return condition.exists === (values !== undefined);
    return values !== undefined && values.some((value) => meets(condition, value));
  });
}

function meets(condition: unknown, value: unknown): boolean {
  if (!isObject(condition)) return condition === value;
  const [operator, operand] = Object.entries(condition)[0]!;
  const text = typeof value === 'string' ? value : undefined;
  switch (operator) {
    case 'prefix':
      return text !== undefined && text.startsWith(operand as string);
    case 'suffix':
      return text !== undefined && text.endsWith(operand as string);
    case 'equals-ignore-case':
      return text !== undefined && text.toLowerCase() === (operand as string).toLowerCase();
    case 'anything-but':
      if (isObject(operand)) return text !== undefined && !text.startsWith(operand.prefix as string);
      return !(Array.isArray(operand) ? operand : [operand]).includes(value);
    case 'numeric': {
      const range = operand as [string, number, ...(string | number)[]];
      if (typeof value !== 'number') return false;
      for (let i = 0; i < range.length; i += 2) if (!comparisons[range[i] as string]!(value, range[i + 1] as number)) return false;
      return true;
    }
    default:
      return false;
  }
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
