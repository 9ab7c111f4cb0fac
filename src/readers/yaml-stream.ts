import {
  Composer,
  type Document,
  type DocumentOptions,
  isScalar,
  type LineCounter,
  type ParseOptions,
  Parser,
  type SchemaOptions,
  visit,
  YAMLParseError,
} from 'yaml';
import type { Problem } from '../errors.js';
import type { Evidence } from '../model/service.js';

/** Past this many syntax errors the text is not YAML worth reading error by error. */
export const MAX_YAML_ERRORS = 20;
/** Problems listed in one message; the rest are counted. */
export const MAX_PROBLEMS = 10;

export interface YamlStream {
  docs: Document.Parsed[];
  /** Set when parsing stopped at the error limit: the first error and how many were seen. */
  flood?: { offset: number; message: string; errors: number };
}

type Options = ParseOptions & DocumentOptions & SchemaOptions & { lineCounter?: LineCounter };

/**
 * The yaml library's parseAllDocuments with a stop: the parser's error tokens are counted as they
 * come, and past MAX_YAML_ERRORS the parse ends (2 MiB of `]` is two million errors: 2.8 GB and
 * 26 s in the library). Errors are built without stack traces (a file can hold one per line).
 * `single`: parseDocument's reading (one document, always present).
 */
export function parseYamlStream(text: string, options: Options = {}, single = false): YamlStream {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const parser = new Parser(options.lineCounter?.addNewLine);
    // the library checks each key against every earlier key of its map (quadratic): checked below
    const composer = new Composer({ ...options, uniqueKeys: false });
    const docs: Document.Parsed[] = [];
    let errors = 0;
    let first: { offset: number; message: string } | undefined;
    for (const token of parser.parse(text)) {
      if (token.type === 'error') {
        first ??= { offset: token.offset, message: token.message };
        if (++errors > MAX_YAML_ERRORS) return { docs, flood: { ...first, errors } };
      }
      for (const d of composer.next(token)) docs.push(d);
    }
    // parseDocument forces one (possibly empty) document ending at the text's end; parseAllDocuments none
    for (const d of composer.end(single, single ? text.length : -1)) docs.push(d);
    if (options.uniqueKeys !== false) for (const d of docs) checkUniqueKeys(d);
    return { docs };
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Duplicate scalar keys, as the library reports them (`Map keys must be unique`), in one pass per map. */
function checkUniqueKeys(doc: Document.Parsed): void {
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value)) {
          const at = pair.key.range?.[0] ?? 0;
          doc.errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        }
        seen.add(pair.key.value);
      }
    },
  });
}

/**
 * Offsets of the scalars that are numbers but not finite: `.inf`, `-.inf`, `.nan` and numbers too
 * large for a double (`1e999`). No manifest format can carry them (JSON has no Infinity or NaN),
 * and a reader that dropped them would silently fall back to a default: they are input errors.
 */
export function nonFiniteNumbers(doc: Document.Parsed): [number, number][] {
  const out: [number, number][] = [];
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'number' && !Number.isFinite(node.value))
        out.push([node.range?.[0] ?? 0, node.range?.[1] ?? 0]);
    },
  });
  return out;
}

/** The problem for a non-finite number at [start, end) of `text`. */
export function nonFiniteProblem(text: string, [start, end]: [number, number], at: Evidence): Problem {
  const source = text.slice(start, Math.min(end, start + 40));
  return {
    message: `${JSON.stringify(source)} is not a finite number`,
    at,
    expected: 'a finite number (not .inf, .nan, or beyond ±1.8e308)',
  };
}

/** The first MAX_PROBLEMS problems, and one more line counting the rest (a flood stays readable). */
export function firstProblems(problems: Problem[]): Problem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  const rest = problems.length - MAX_PROBLEMS;
  return [
    ...problems.slice(0, MAX_PROBLEMS),
    { message: `… and ${rest} more problem${rest === 1 ? '' : 's'}` },
  ];
}
