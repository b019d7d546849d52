/**
 * Writes `value` as the XML element `name`, in the shapes of the AWS query protocol:
 * arrays are lists (`<member>`), Maps are maps (`<entry><key/><value/></entry>`), other
 * objects are structures, and everything else is escaped text. Undefined and null
 * members are left out.
 */
export function xmlElement(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${xmlContent(value)}</${name}>`;
}

function xmlContent(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => xmlElement('member', item)).join('');
  if (value instanceof Map) {
    return [...value].map(([key, item]) => `<entry>${xmlElement('key', key)}${xmlElement('value', item)}</entry>`).join('');
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([key, item]) => xmlElement(key, item)).join('');
  }
  return escapeXml(String(value));
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Escapes text for an XML element or attribute. Control characters other than tab and
 * newline become character references: a raw CR would be read back as LF, and the
 * others cannot appear raw in XML at all.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']|[^\t\n\u0020-\u{10FFFF}]/gu, (c) => entities[c] ?? `&#x${c.codePointAt(0)!.toString(16)};`);
}
