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
  return s.replace(/[^\n\r]/gu, ' ');
}

/** Keep only the given [start, end) UTF-16 ranges of `text`; everything else is blanked. */
export function keepRanges(text: string, ranges: readonly (readonly [number, number])[]): string {
  let out = '';
  let at = 0;
  for (const [s, e] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (s > at) out += blank(text.slice(at, s));
    const from = Math.max(s, at);
    if (e > from) out += text.slice(from, e);
    at = Math.max(at, e);
  }
  if (at < text.length) out += blank(text.slice(at));
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
