// The few XML pieces the query protocol (STS) needs.

/** Escapes text for XML element content. */
export function xmlEscape(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

export type XmlValue = string | number | Date | XmlTree | undefined;
export interface XmlTree {
  [tag: string]: XmlValue;
}

/** Renders a nested object as XML elements (Dates as ISO 8601 without milliseconds; undefined skipped). */
export function toXml(tree: XmlTree): string {
  let out = '';
  for (const [tag, v] of Object.entries(tree)) {
    if (v === undefined) continue;
    const inner =
      v instanceof Date
        ? v.toISOString().replace(/\.\d{3}Z$/, 'Z')
        : typeof v === 'object'
          ? toXml(v)
          : xmlEscape(String(v));
    out += `<${tag}>${inner}</${tag}>`;
  }
  return out;
}
