/**
 * Offset-preserving text transforms. Every transform replaces code points one for one and keeps
 * line breaks, so line:col computed on the transformed text is exact for the original file.
 */

export interface Note {
  message: string;
  /** UTF-16 index in the text. */
  index: number;
}

/** Blank every code point of `s` except line breaks. */
export function blank(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 10;
    if (c !== 10 && c !== 13) continue;
    out += spaces(s, from, i);
    if (i < s.length) out += s[i];
    from = i + 1;
  }
  return out;
}

/** One space per code point of s[from, to). */
function spaces(s: string, from: number, to: number): string {
  let n = to - from;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    // a surrogate pair is one code point
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return ' '.repeat(n);
}

/** A part of a file given to the parser on its own, and where it starts in the file. */
export interface Section {
  /** The file's text from the first range's start to the last range's end, the gaps blanked. */
  text: string;
  /** UTF-16 index of `text` in the file. */
  start: number;
  end: number;
}

/**
 * The kept ranges of a file as one section: only the span they cover is copied (the gaps between
 * them blanked), never the whole file, so cutting a file into k sections costs the file's length
 * once, not k times (a file of 3,552 Liquibase changesets took 40 s and 3.8 GB when each changeset
 * was the whole file with everything else blanked).
 */
export function section(text: string, ranges: readonly (readonly [number, number])[]): Section {
  const sorted = ranges.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  if (sorted.length === 0) return { text: '', start: 0, end: 0 };
  const start = (sorted[0] as readonly [number, number])[0];
  const end = sorted.reduce((m, r) => Math.max(m, r[1]), start);
  const parts: string[] = [];
  let at = start;
  for (const [s, e] of sorted) {
    if (s > at) parts.push(blank(text.slice(at, s)));
    const from = Math.max(s, at);
    if (e > from) parts.push(text.slice(from, e));
    at = Math.max(at, e);
  }
  return { text: parts.join(''), start, end };
}

/** The notes (sorted by index) in [start, end), found by binary search. */
export function notesIn(notes: readonly Note[], start: number, end: number): Note[] {
  let lo = 0;
  let hi = notes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((notes[mid] as Note).index < start) lo = mid + 1;
    else hi = mid;
  }
  const out: Note[] = [];
  for (let i = lo; i < notes.length && (notes[i] as Note).index < end; i++) out.push(notes[i] as Note);
  return out;
}

function cpLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** An identifier of exactly `length` code points derived from `hint` (e.g. tpl_namespace____). */
export function sameLengthIdentifier(prefix: string, hint: string, length: number): string {
  const word = (hint.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).pop() ?? 'x';
  let id = `${prefix}_${word.toLowerCase()}`;
  if (id.length > length) id = id.slice(0, length);
  return id.padEnd(length, '_');
}

const PSQL_META_LINE = /^([ \t]*)(\\[A-Za-z!?][^\n\r]*)/gm;
const PSQL_GEXEC = /\\g(?:exec|set|x)?\b/g;
const PSQL_QUOTED_VAR = /(?<![:\w]):(['"])([A-Za-z_][A-Za-z0-9_]*)\1/g;
const PSQL_SET = /^[ \t]*\\set[ \t]+([A-Za-z_][A-Za-z0-9_]*)/gm;
const GO_TEMPLATE = /\{\{(?:[^\n\r{}]|\{(?!\{)|\}(?!\}))*\}\}/g;
const ENV_VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface Neutralised {
  text: string;
  notes: Note[];
}

/**
 * Neutralise what is not SQL but often sits in migration files: psql meta-commands (\set, \c,
 * \i, \gexec), psql variables (:'var', :"var", :var), Go template placeholders ({{ ... }}) and,
 * when asked, ${VAR} environment substitutions (goose ENVSUB).
 */
export function neutralise(text: string, opts: { envsub?: boolean } = {}): Neutralised {
  const notes: Note[] = [];
  let out = text;
  if (out.includes('\\')) {
    // \g, \gexec, \gset end the current query: turn them into a semicolon of the same length.
    out = out.replace(PSQL_GEXEC, (m, index: number) => {
      notes.push({
        index,
        message: `psql ${m} neutralised: the SQL it generates at run time is not analysed`,
      });
      return `;${' '.repeat(m.length - 1)}`;
    });
    const vars = new Set<string>();
    for (const m of out.matchAll(PSQL_SET)) vars.add(m[1] as string);
    out = out.replace(PSQL_META_LINE, (m, indent: string, cmd: string, index: number) => {
      if (cmd.startsWith(';')) return m;
      const name = (cmd.match(/^\\[A-Za-z!?]+/) ?? [cmd])[0];
      notes.push({ index: index + indent.length, message: `psql meta-command ${name} neutralised` });
      return indent + blank(cmd);
    });
    if (vars.size > 0) {
      const names = [...vars].map((v) => v.replace(/[^A-Za-z0-9_]/g, '')).join('|');
      const bare = new RegExp(`(?<![:\\w]):(${names})\\b`, 'g');
      out = out.replace(bare, (m, name: string, index: number) => {
        notes.push({ index, message: `psql variable :${name} replaced by an identifier` });
        return ` ${m.slice(1)}`;
      });
    }
  }
  if (out.includes(":'") || out.includes(':"')) {
    out = out.replace(PSQL_QUOTED_VAR, (m, q: string, _name: string, index: number) => {
      notes.push({
        index,
        message: `psql variable ${m} replaced by a ${q === "'" ? 'literal' : 'quoted identifier'}`,
      });
      return ` ${m.slice(1)}`;
    });
  }
  if (out.includes('{{')) {
    out = out.replace(GO_TEMPLATE, (m, index: number) => {
      const id = sameLengthIdentifier('tpl', m, cpLength(m));
      notes.push({ index, message: `template placeholder ${m} replaced by the identifier ${id}` });
      return id;
    });
  }
  if (opts.envsub && out.includes('${')) {
    out = out.replace(ENV_VAR, (m, name: string, index: number) => {
      const id = sameLengthIdentifier('env', name, m.length);
      notes.push({ index, message: `environment substitution ${m} replaced by the identifier ${id}` });
      return id;
    });
  }
  notes.sort((a, b) => a.index - b.index);
  return { text: out, notes };
}
