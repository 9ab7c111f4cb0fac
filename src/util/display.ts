/**
 * Output hygiene: the one place that decides which characters of input-derived text may reach a
 * terminal, a page or a file a person will `cat`. Pure.
 *
 * Unsafe: C0 controls other than tab and newline (ESC starts terminal escape sequences: retitling,
 * clearing the screen, OSC 52 clipboard writes; BEL, backspace and a lone CR hide or rewrite text),
 * DEL and the C1 controls (U+0080–U+009F: U+009B is a one-byte CSI), and the bidirectional
 * formatting characters that reorder what is displayed (U+061C, U+200E/F, U+202A–U+202E,
 * U+2066–U+2069: "Trojan Source"). They are shown as escapes, never passed through:
 * C0 as `\x1b`, the others as `\u202e` (valid inside a JSON string, so a JSON document stays
 * the same data after the pass).
 */

// A lone CR (not followed by LF) returns the cursor to column 0 and hides what came before it.
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;
const UNSAFE_TEST =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function escapeChar(c: string): string {
  const n = c.charCodeAt(0);
  if (n === 0x0d) return '\\r';
  return n < 0x20 ? `\\x${hex(n, 2)}` : `\\u${hex(n, 4)}`;
}

/** True when the text holds a character that must not reach a terminal as it is. */
export function hasUnsafeChars(text: string): boolean {
  return UNSAFE_TEST.test(text);
}

/**
 * Text as it may be shown: every unsafe character replaced by its escape (`\x1b`, `\u202e`);
 * newline, tab and CRLF line ends are kept. Idempotent. Applied by the CLI to everything it
 * writes (stdout, stderr, --out) and by the library's render(); renderers may call it on single
 * values too (e.g. before quoting them for a shell comment or echo string).
 */
export function safeText(text: string): string {
  return UNSAFE_TEST.test(text) ? text.replace(UNSAFE, escapeChar) : text;
}

/** UTF-8 bytes of one character as `\xHH` escapes (for bash $'…' words, locale-independent). */
export function utf8Escapes(c: string): string {
  return [...Buffer.from(c, 'utf8')].map((b) => `\\x${hex(b, 2)}`).join('');
}

/** The unsafe-character pattern (global), for quoting functions that escape in their own syntax. */
export function unsafePattern(): RegExp {
  return new RegExp(UNSAFE.source, 'g');
}
