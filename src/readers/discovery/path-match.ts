/**
 * The one glob matcher of repository paths (ApplicationSet git generators): Go `path.Match`
 * semantics per segment (`*` any run of non-`/` characters, `?` one, `[a-z]` / `[^x]` classes,
 * `\` escapes), plus `**` as a whole segment for any number of segments (the git files generator).
 * No regular expression is built from input: matching is O(pattern × path) at worst.
 */

/** True when `path` (POSIX, relative, no leading `./`) matches `pattern`. */
export function matchPath(pattern: string, path: string): boolean {
  const ps = trimSlashes(pattern).split('/');
  const xs = trimSlashes(path).split('/');
  // reachable[j]: the pattern segments so far can consume exactly the first j path segments
  let reachable = new Array<boolean>(xs.length + 1).fill(false);
  reachable[0] = true;
  for (const p of ps) {
    const next = new Array<boolean>(xs.length + 1).fill(false);
    if (p === '**') {
      let any = false;
      for (let j = 0; j <= xs.length; j++) {
        any = any || (reachable[j] ?? false);
        next[j] = any;
      }
    } else {
      for (let j = 0; j < xs.length; j++)
        if (reachable[j] && matchSegment(p, xs[j] ?? '')) next[j + 1] = true;
    }
    reachable = next;
  }
  return reachable[xs.length] ?? false;
}

/** Without a leading `./` and leading or trailing slashes (a scan, not a regex: `/\/+$/` is quadratic on many slashes). */
function trimSlashes(p: string): string {
  const s = p.startsWith('./') ? p.slice(2) : p;
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === '/') a++;
  while (b > a && s[b - 1] === '/') b--;
  return s.slice(a, b);
}

/** One segment against one pattern segment: the two-pointer wildcard match, backtracking to the last `*` only. */
function matchSegment(p: string, s: string): boolean {
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < s.length) {
    const c = p[i];
    if (c === '*') {
      star = i++;
      mark = j;
      continue;
    }
    const step = i < p.length ? single(p, i, s[j] as string) : undefined;
    if (step !== undefined) {
      i = step;
      j++;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else return false;
  }
  while (p[i] === '*') i++;
  return i === p.length;
}

/** The pattern index after matching one character `ch` at p[i] (a literal, `?`, `\x` or a class), or undefined. */
function single(p: string, i: number, ch: string): number | undefined {
  const c = p[i];
  if (c === '?') return i + 1;
  if (c === '\\') return p[i + 1] === ch ? i + 2 : undefined;
  if (c !== '[') return c === ch ? i + 1 : undefined;
  let k = i + 1;
  const negate = p[k] === '^' || p[k] === '!';
  if (negate) k++;
  let hit = false;
  let first = true;
  while (k < p.length && (first || p[k] !== ']')) {
    first = false;
    let lo = p[k] as string;
    if (lo === '\\') lo = p[++k] ?? '';
    let hi = lo;
    if (p[k + 1] === '-' && p[k + 2] !== undefined && p[k + 2] !== ']') {
      hi = p[k + 2] === '\\' ? (p[k + 3] ?? '') : (p[k + 2] as string);
      k += p[k + 2] === '\\' ? 3 : 2;
    }
    if (lo <= ch && ch <= hi) hit = true;
    k++;
  }
  if (k >= p.length) return undefined; // no closing ]: Go reports ErrBadPattern, which matches nothing
  return hit !== negate ? k + 1 : undefined;
}
