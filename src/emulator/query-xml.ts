import type { FlattenedMember } from './query-form.js';

/**
 * Writes `value` as the XML element `name`, in the shapes of the AWS query protocol:
 * arrays are lists (`<member>`), Maps are maps (`<entry><key/><value/></entry>`), other
 * objects are structures, and everything else is escaped text. Undefined and null
 * members are left out. A structure member named in `flattened` is written flattened, as
 * SQS writes its lists and maps: one `<element>` per item (per map entry, with its key and
 * value children), with no wrapper.
 */
export function xmlElement(name: string, value: unknown, flattened: readonly FlattenedMember[] = []): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${xmlContent(value, flattened)}</${name}>`;
}

function xmlContent(value: unknown, flattened: readonly FlattenedMember[]): string {
  if (Array.isArray(value)) return value.map((item) => xmlElement('member', item, flattened)).join('');
  if (value instanceof Map) {
    return [...value].map(([key, item]) => `<entry>${xmlElement('key', key)}${xmlElement('value', item, flattened)}</entry>`).join('');
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => {
        const member = flattened.find((candidate) => candidate.member === key);
        return member ? flattenedXml(member, item, flattened) : xmlElement(key, item, flattened);
      })
      .join('');
  }
  return escapeXml(String(value));
}

function flattenedXml(member: FlattenedMember, value: unknown, flattened: readonly FlattenedMember[]): string {
  if (Array.isArray(value)) return value.map((item) => xmlElement(member.element, item, flattened)).join('');
  if (typeof value !== 'object' || value === null || member.key === undefined || member.value === undefined) {
    return xmlElement(member.element, value, flattened);
  }
  return Object.entries(value)
    .map(([key, item]) => `<${member.element}>${xmlElement(member.key!, key)}${xmlElement(member.value!, item, flattened)}</${member.element}>`)
    .join('');
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
