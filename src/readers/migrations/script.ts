/**
 * SQL inside JavaScript/TypeScript migrations (db-migrate, knex, custom data-migration runners),
 * read with the TypeScript compiler's parser (it parses JS too). Literal SQL is kept at its place
 * in the file, everything else blanked, so that statements keep their file:line. SQL built at run
 * time, and knex's schema builder, are reported as located errors: present, but not analysable.
 */
import { createRequire } from 'node:module';
import type * as TS from 'typescript';
import { blank } from './preprocess.js';

let tsModule: typeof TS | undefined;
function ts(): typeof TS {
  tsModule ??= createRequire(import.meta.url)('typescript') as typeof TS;
  return tsModule;
}

/** Calls whose first argument (or tagged template) is SQL. */
const SQL_CALLS = new Set([
  'runSql',
  'raw',
  'query',
  'queryRaw',
  'execute',
  'exec',
  'none',
  'any',
  'many',
  'one',
  'oneOrNone',
  'multi',
  'unsafe',
  '$executeRaw',
  '$executeRawUnsafe',
  '$queryRaw',
  '$queryRawUnsafe',
  'sql',
]);

export interface ScriptSql {
  /** The file text with only the SQL literals kept (same length and lines), `;` after each. */
  text: string;
  /** Problems, by UTF-16 index in the file. */
  problems: { message: string; index: number }[];
  /** How many SQL calls were found (literal or not). */
  calls: number;
}

export interface ScriptMigration {
  up?: ScriptSql;
  down?: ScriptSql;
  /** The file defines no up/down: the whole file is one forward step (a data-migration script). */
  script: boolean;
}

function calleeName(ts: typeof TS, e: TS.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isCallExpression(e)) return calleeName(ts, e.expression);
  return undefined;
}

/** Does the expression reach `knex.schema` / `<x>.schema.<builder>` (knex's schema builder)? */
function isSchemaBuilder(ts: typeof TS, e: TS.Expression): boolean {
  let cur: TS.Expression = e;
  while (ts.isPropertyAccessExpression(cur) || ts.isCallExpression(cur)) {
    if (ts.isPropertyAccessExpression(cur) && cur.name.text === 'schema') return true;
    cur = cur.expression;
  }
  return false;
}

/** Read the SQL of one function body (or a whole file). */
function sqlOf(ts: typeof TS, sf: TS.SourceFile, root: TS.Node): ScriptSql {
  const text = sf.text;
  const keep: { start: number; end: number; value: string }[] = [];
  const problems: ScriptSql['problems'] = [];
  let calls = 0;
  const literal = (arg: TS.Node): boolean => {
    if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) {
      const start = arg.getStart(sf) + 1;
      const end = arg.end - 1;
      const raw = text.slice(start, end);
      keep.push({ start, end, value: raw.length === arg.text.length ? arg.text : raw });
      return true;
    }
    if (ts.isTemplateExpression(arg)) {
      // Substitutions become $n parameters (what a tagged template or a driver sends).
      const start = arg.getStart(sf) + 1;
      const end = arg.end - 1;
      let value = text.slice(start, end);
      let n = 0;
      for (const span of arg.templateSpans) {
        const s = span.expression.getStart(sf) - 2 - start;
        const e = span.literal.getStart(sf) + 1 - start;
        const param = `$${++n}`;
        const piece = value.slice(s, e);
        value = value.slice(0, s) + param + blank(piece).slice(param.length) + value.slice(e);
      }
      keep.push({ start, end, value });
      return true;
    }
    if (ts.isBinaryExpression(arg) && arg.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return literal(arg.left) && literal(arg.right);
    }
    if (ts.isParenthesizedExpression(arg)) return literal(arg.expression);
    return false;
  };
  const visit = (node: TS.Node): void => {
    if (ts.isTaggedTemplateExpression(node)) {
      const name = calleeName(ts, node.tag);
      if (name && SQL_CALLS.has(name)) {
        calls++;
        literal(node.template);
        return;
      }
    }
    if (ts.isCallExpression(node)) {
      const name = calleeName(ts, node.expression);
      if (ts.isPropertyAccessExpression(node.expression) && isSchemaBuilder(ts, node.expression)) {
        // report the outermost builder call once
        if (!ts.isPropertyAccessExpression(node.parent) || !ts.isCallExpression(node.parent.parent)) {
          calls++;
          problems.push({
            message: `knex schema builder (${node.expression.getText(sf).slice(0, 60)}…): not SQL text, rollbook cannot analyse it; review it by hand`,
            index: node.getStart(sf),
          });
        }
        return;
      }
      if (name && SQL_CALLS.has(name) && node.arguments.length > 0) {
        calls++;
        const arg = node.arguments[0] as TS.Expression;
        if (!literal(arg))
          problems.push({
            message: `SQL built at run time (${arg.getText(sf).slice(0, 60)}): not a string literal, rollbook cannot analyse it; review it by hand`,
            index: arg.getStart(sf),
          });
        for (const a of node.arguments.slice(1)) visit(a);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(root);
  keep.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const k of keep) {
    if (k.start < at) continue;
    out += blank(text.slice(at, k.start));
    out += k.value;
    // the closing quote becomes the statement terminator
    out += text.slice(k.end, k.end + 1) === '' ? '' : ';';
    at = k.end + 1;
  }
  out += blank(text.slice(at));
  return { text: out, problems, calls };
}

/** The function bodies exported as `up` and `down`, in every common module shape. */
function directions(ts: typeof TS, sf: TS.SourceFile): { up?: TS.Node; down?: TS.Node } {
  const found: { up?: TS.Node; down?: TS.Node } = {};
  const set = (name: string, node: TS.Node) => {
    const n =
      name === 'up' || name === 'migrate' || name === 'run' ? 'up' : name === 'down' ? 'down' : undefined;
    if (n && !found[n]) found[n] = node;
  };
  const fromObject = (o: TS.ObjectLiteralExpression) => {
    for (const p of o.properties) {
      if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p)) && p.name && ts.isIdentifier(p.name))
        set(p.name.text, p);
    }
  };
  const visit = (node: TS.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name) set(node.name.text, node);
    else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      set(node.name.text, node.initializer);
      if (ts.isObjectLiteralExpression(node.initializer)) fromObject(node.initializer);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const l = node.left;
      if (ts.isPropertyAccessExpression(l)) {
        const target = l.expression.getText(sf);
        if (target === 'exports' || target === 'module.exports') set(l.name.text, node.right);
        else if (l.getText(sf) === 'module.exports' && ts.isObjectLiteralExpression(node.right))
          fromObject(node.right);
      }
    } else if (ts.isExportAssignment(node) && ts.isObjectLiteralExpression(node.expression)) {
      fromObject(node.expression);
    } else if (ts.isMethodDeclaration(node) && node.name && ts.isIdentifier(node.name)) {
      set(node.name.text, node);
    } else if (ts.isObjectLiteralExpression(node)) {
      fromObject(node);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/**
 * The TypeScript parser takes time exponential in the nesting of `async function` expressions
 * (each level re-parses the levels inside it while deciding whether `async (` starts an arrow
 * function: 16 levels take seconds, 19 did not finish in minutes). Real migrations nest two or
 * three; deeper files are not parsed.
 */
export const MAX_ASYNC_FUNCTION_NESTING = 8;

const ASYNC_FUNCTION = /async\s+function\b/y;

/**
 * How deep `async function` bodies nest in a JS/TS text, by one linear scan of its braces
 * (skipping strings, template literals and comments; close enough to bound the parser's work).
 */
export function asyncFunctionNesting(text: string): number {
  const stack: boolean[] = [];
  let depth = 0;
  let max = 0;
  let pending = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? n : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (c === '"' || c === "'" || c === '`') {
      i++;
      while (i < n && text[i] !== c && (c === '`' || text[i] !== '\n')) i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '{') {
      stack.push(pending);
      if (pending) max = Math.max(max, ++depth);
      pending = false;
      i++;
    } else if (c === '}') {
      if (stack.pop()) depth--;
      i++;
    } else if (c === 'a' && !/[\w$]/.test(text[i - 1] ?? ' ')) {
      ASYNC_FUNCTION.lastIndex = i;
      if (ASYNC_FUNCTION.test(text)) {
        pending = true;
        i = ASYNC_FUNCTION.lastIndex;
      } else i++;
    } else i++;
  }
  return max;
}

/** Parse a JS/TS migration and keep the SQL it runs, per direction. */
export function readScriptMigration(file: string, text: string): ScriptMigration {
  const notParsed = (message: string): ScriptMigration => ({
    up: { text: blank(text), problems: [{ message, index: 0 }], calls: 0 },
    script: true,
  });
  const nesting = asyncFunctionNesting(text);
  if (nesting > MAX_ASYNC_FUNCTION_NESTING)
    return notParsed(
      `async functions nested ${nesting} deep (more than ${MAX_ASYNC_FUNCTION_NESTING}): too deep to parse in bounded time; not analysed, review it by hand`,
    );
  try {
    return readScript(file, text);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // the compiler's parser recurses per nesting level: thousands of nested braces exhaust the stack
    return notParsed('nested too deeply to parse; not analysed');
  }
}

function readScript(file: string, text: string): ScriptMigration {
  const t = ts();
  const kind = /\.tsx?$|\.[cm]ts$/i.test(file) ? t.ScriptKind.TS : t.ScriptKind.JS;
  const sf = t.createSourceFile(file, text, t.ScriptTarget.Latest, true, kind);
  const d = directions(t, sf);
  if (!d.up && !d.down) return { up: sqlOf(t, sf, sf), script: true };
  return {
    ...(d.up ? { up: sqlOf(t, sf, d.up) } : {}),
    ...(d.down ? { down: sqlOf(t, sf, d.down) } : {}),
    script: false,
  };
}

/** A file next to the script that db-migrate's SQL-file template reads (`sqls/<name>-up.sql`). */
export function referencedSqlFile(text: string, direction: 'up' | 'down'): string | undefined {
  const re = new RegExp(`['"\`]([^'"\`]*-${direction}\\.sql)['"\`]`);
  const m = re.exec(text);
  if (!m) return undefined;
  const parts = /path\.join\(\s*__dirname\s*,\s*['"]([^'"]+)['"]/.exec(text);
  return parts ? `${parts[1]}/${m[1]}` : m[1];
}
