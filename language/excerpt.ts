// A short, printable excerpt of untrusted text (a file's header, a name from a file, a long
// identifier) for a diagnostic: control characters escaped, at most `max` characters, so a
// message never carries a file's contents or terminal escape sequences.

export const EXCERPT_MAX = 60;

export function excerpt(text: string, max = EXCERPT_MAX): string {
  const cut = text.length > max;
  // Slice first so escaping costs O(max) whatever the input's length; cut on a code point.
  let head = cut ? text.slice(0, max) : text;
  if (cut && /[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
  const escaped = head.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => {
      const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
      return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    },
  );
  return cut ? `${escaped}… (${text.length.toLocaleString('en-US')} characters)` : escaped;
}
