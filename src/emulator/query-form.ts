import type { Params } from './params.js';

/**
 * Decodes an AWS query-protocol form body into nested params: `A.member.1=x` becomes a
 * list, `A.entry.1.key=k&A.entry.1.value=v` (or `Name`/`Value`) a map, `A.B=x` a
 * structure. Everything else stays a string, as the query protocol sends it.
 */
export function decodeQueryForm(body: string): Params {
  // Prototype-less nodes, so that a key like `__proto__.x` names data, not Object.prototype.
  const root: Params = Object.create(null);
  for (const [key, value] of new URLSearchParams(body)) {
    let node: Params = root;
    const parts = key.split('.');
    parts.forEach((part, index) => {
      if (index === parts.length - 1) node[part] = value;
      else {
        // A malformed form may use one key as a value and a structure (`A=x&A.B=y`): the structure wins.
        if (typeof node[part] !== 'object') node[part] = Object.create(null);
        node = node[part] as Params;
      }
    });
  }
  return normalise(root) as Params;
}

function normalise(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const object = node as Params;
  const keys = Object.keys(object);
  if (keys.length === 1 && (keys[0] === 'member' || keys[0] === 'entry')) {
    const items = Object.entries(object[keys[0]] as Params)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, item]) => normalise(item));
    if (keys[0] === 'member') return items;
    return Object.fromEntries(
      items.map((item) => {
        const entry = item as Params;
        return [entry.key ?? entry.Name, entry.value ?? entry.Value];
      }),
    );
  }
  return Object.fromEntries(keys.map((key) => [key, normalise(object[key])]));
}

/**
 * A member that a query service (SQS) sends flattened: `Attribute.1.Name=k&Attribute.1.Value=v`
 * rather than `Attributes.entry.1.key=k`. `element` is the name on the wire, `member` the
 * name of the API (and of the JSON protocol); a map has `key` and `value` children.
 */
export interface FlattenedMember {
  element: string;
  member: string;
  key?: string;
  value?: string;
}

/**
 * Turns the flattened members of a decoded form back into the API's lists and maps, at
 * any depth (`SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue`).
 */
export function unflatten(params: Params, flattened: readonly FlattenedMember[]): Params {
  const byElement = new Map(flattened.map((member) => [member.element, member]));
  const convert = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
    const result: Params = Object.create(null);
    for (const [name, value] of Object.entries(node)) {
      const member = byElement.get(name);
      if (!member || typeof value !== 'object' || value === null) {
        result[name] = convert(value);
        continue;
      }
      const items = Object.entries(value as Params)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([, item]) => convert(item));
      const entries = items.filter((item): item is Params => typeof item === 'object' && item !== null);
      result[member.member] = member.key === undefined ? items : Object.fromEntries(entries.map((entry) => [entry[member.key!], entry[member.value!]]));
    }
    return result;
  };
  return convert(params) as Params;
}
