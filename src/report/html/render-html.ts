/**
 * HTML built from templates in which every interpolated string is escaped unless it is
 * already {@link Html}: what comes from run data (booking ids, messages, fault actions)
 * cannot become markup by accident.
 */
export class Html {
  constructor(readonly text: string) {}
}

/** What a template takes: markup, text, numbers, lists of those; nothing for undefined, null and false (conditional parts). */
export type HtmlPart = Html | string | number | undefined | null | false | readonly HtmlPart[];

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for element content and quoted attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => entities[char]!);
}

function partText(part: HtmlPart): string {
  if (part instanceof Html) return part.text;
  if (part === undefined || part === null || part === false) return '';
  if (typeof part === 'number') return String(part);
  if (typeof part === 'string') return escapeHtml(part);
  return part.map(partText).join('');
}

/** A tagged template: `html\`<td>${bookingId}</td>\`` escapes the booking id. */
export function html(strings: TemplateStringsArray, ...parts: HtmlPart[]): Html {
  return new Html(strings.reduce((text, string, i) => text + partText(parts[i - 1]) + string));
}

/** Markup trusted as it is: the page's own CSS and scripts, already-escaped data. */
export const raw = (text: string) => new Html(text);

/**
 * A JSON data block for the page's scripts. `<` is written as \u003c, so that no string
 * in the data can close the script element ("</script>") or open a comment; JSON.parse
 * reads it back unchanged.
 */
export function jsonScript(id: string, value: unknown): Html {
  const json = JSON.stringify(value).replace(/</g, '\\u003c');
  return html`<script type="application/json" id="${id}">${raw(json)}</script>`;
}

/**
 * Script text for an inline <script>: a `</script` inside it would end the element early;
 * `<\/script` means the same in JS strings and regular expressions.
 */
export function inlineScript(js: string): Html {
  return html`<script>${raw(js.replace(/<\/(script)/gi, '<\\/$1'))}</script>`;
}
