/** A piece of a text with Markdown-style code spans: plain text, or code to set in `<code>`. */
export interface TextPart {
  text: string;
  code: boolean;
}

/**
 * Splits a text written with backtick code spans ("the `balanced` preset") into parts, so the
 * UI shows code as code and never a literal backtick. An unpaired backtick stays as text.
 */
export function codeSpans(text: string): TextPart[] {
  const parts: TextPart[] = [];
  const pattern = /`([^`]+)`/g;
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > at) parts.push({ text: text.slice(at, match.index), code: false });
    parts.push({ text: match[1] ?? '', code: true });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), code: false });
  return parts;
}
