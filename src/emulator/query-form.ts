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
