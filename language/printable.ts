// Names, paths and strings from a user's files are shown on terminals and written into generated
// source code. The characters here must not reach either raw: a newline or NEL breaks a line (and
// a Python comment or table row with it), ESC and CSI drive the terminal, bidi overrides and
// zero-width characters make text read differently from what it is, a NUL ends C strings.

/**
 * Controls (C0 with tab and newline, DEL, C1 with NEL), format characters (bidi overrides,
 * zero-width, BOM), line and paragraph separators (U+2028/9), and lone surrogates.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * One unprintable character as an escape that JSON and Python read the same way (`\n`,
 * `\u001b`, `\u2028`); one beyond the BMP as Python's `\U000e0001` (JSON would write a surrogate
 * pair, which Python reads as two characters).
 */
export function escapeUnprintable(c: string): string {
  const cp = c.codePointAt(0)!;
  return SHORT[c] ?? (cp > 0xffff ? `\\U${hex(cp, 8)}` : `\\u${hex(cp, 4)}`);
}

/**
 * `s` with each unprintable character replaced by `escape(c)` (by default its escape as above):
 * the one place that decides which characters must not be shown or written raw.
 */
export function replaceUnprintable(s: string, escape: (c: string) => string = escapeUnprintable): string {
  return s.replace(UNPRINTABLE, escape);
}

/** `s` on one line with nothing unprintable: for terminals, tables and comments. */
export function printable(s: string): string {
  return replaceUnprintable(s);
}

/**
 * JSON text that a terminal shows as it is: JSON.stringify escapes C0 controls, but leaves DEL,
 * C1, format characters and U+2028/9 raw; these become `\uXXXX` (same value). Raw newlines left
 * are the indentation's: JSON.stringify escapes those inside strings.
 */
export function printableJson(value: unknown, indent?: number): string {
  return replaceUnprintable(JSON.stringify(value, null, indent), (c) =>
    c === '\n' ? c : Array.from({ length: c.length }, (_, i) => `\\u${hex(c.charCodeAt(i), 4)}`).join(''),
  );
}
