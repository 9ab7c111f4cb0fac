/**
 * What rollbook.yaml (`rules`, `ignore`) and inline ignores do to the findings of a change. Pure:
 * findings, directives and configuration in; kept, ignored and directive findings out.
 */
import ignore from 'ignore';
import { type Problem, RollbookError } from '../errors.js';
import type { CheckFinding, IgnoredFinding } from '../model/check.js';
import type { RuleMeta } from '../model/finding.js';
import type { Evidence } from '../model/service.js';
import type { IgnoreDirective } from '../readers/ignore-comments.js';
import { closest } from '../util/closest.js';
import { cmp, sortFindings } from '../util/order.js';

export type RuleLevel = 'error' | 'warning' | 'off';

export interface CheckConfig {
  /** rollbook.yaml `rules`: severity per rule id, or off. */
  rules: Record<string, RuleLevel>;
  /** rollbook.yaml `ignore`: paths (gitignore globs) that check skips. */
  ignore: string[];
  /** Where an entry was written (for errors and for SARIF suppressions). */
  at: (path: (string | number)[]) => Evidence;
}

export const README_IGNORES = 'https://rollbook.dev/README.md#inline-ignores';

/** Meta of the findings about ignore comments themselves (not model rules: they read comments). */
export const DIRECTIVE_RULES: readonly (RuleMeta & { docs: string })[] = [
  {
    id: 'ignore-without-reason',
    kind: 'config',
    severity: 'error',
    description: 'A rollbook-ignore comment gives no reason.',
    rationale:
      'An ignored rollback hazard must say why it is safe, for the reviewer now and the on-call engineer later; without a reason the ignore does not apply.',
    mitigation:
      'Write the reason after a colon: -- rollbook-ignore drop-column: column unused since 2026-09.',
    scope: 'config',
    docs: README_IGNORES,
  },
  {
    id: 'unused-ignore',
    kind: 'config',
    severity: 'warning',
    description: 'A rollbook-ignore comment matches no finding.',
    rationale:
      'A stale ignore would silently hide the next real hazard written under it (like ESLint’s unused disable directives).',
    mitigation: 'Delete the comment, or name the rule that reports the line.',
    scope: 'config',
    docs: README_IGNORES,
  },
];

/** Exit 2 for rule ids nobody knows, each with the closest known id. */
export function checkRuleIds(
  known: readonly string[],
  config: CheckConfig,
  directives: readonly IgnoreDirective[],
): void {
  const problems: Problem[] = [];
  const hint = (id: string) => {
    const near = closest(id, known);
    return near ? `; did you mean "${near}"?` : '';
  };
  for (const id of Object.keys(config.rules).sort(cmp)) {
    if (!known.includes(id))
      problems.push({
        message: `unknown rule id "${id}"${hint(id)}`,
        at: config.at(['rules', id]),
        path: `rules.${id}`,
      });
  }
  for (const d of directives) {
    d.rules.forEach((id, i) => {
      if (!known.includes(id))
        problems.push({
          message: `rollbook-ignore names an unknown rule id "${id}"${hint(id)}`,
          at: { file: d.at.file, line: d.at.line, col: d.ruleCols[i] ?? d.at.col ?? 1 },
        });
    });
  }
  if (problems.length > 0)
    throw new RollbookError(
      'INVALID_CONFIG',
      problems,
      'The rule ids are listed in README.md (Rules) and docs/rules/.',
    );
}

export interface PolicyResult {
  findings: CheckFinding[];
  ignored: IgnoredFinding[];
}

/** A compiled rollbook.yaml `ignore` list: does it skip this path? */
export function ignoredPath(config: CheckConfig): (file: string) => string | undefined {
  if (config.ignore.length === 0) return () => undefined;
  const matchers = config.ignore.map((glob) => ({ glob, ig: ignore().add(glob) }));
  return (file) => matchers.find((m) => m.ig.ignores(file))?.glob;
}

/**
 * Apply severities, `ignore` globs and inline ignores. `directives` are those of the files the
 * check read; each one that silences nothing becomes an `unused-ignore` finding, each one without a
 * reason an `ignore-without-reason` finding (and silences nothing).
 */
export function applyPolicy(
  findings: readonly CheckFinding[],
  directives: readonly IgnoreDirective[],
  config: CheckConfig,
): PolicyResult {
  const kept: CheckFinding[] = [];
  const ignored: IgnoredFinding[] = [];
  const used = new Set<string>();
  const skip = ignoredPath(config);
  const byFile = new Map<string, IgnoreDirective[]>();
  for (const d of directives) {
    const list = byFile.get(d.at.file) ?? [];
    list.push(d);
    byFile.set(d.at.file, list);
  }
  for (const original of findings) {
    const level = config.rules[original.rule];
    if (level === 'off') continue;
    const f: CheckFinding = level ? { ...original, severity: level } : original;
    const at = f.evidence[0];
    const glob = at ? skip(at.file) : undefined;
    if (at && glob !== undefined) {
      const idx = config.ignore.indexOf(glob);
      ignored.push({ finding: f, by: config.at(['ignore', idx]), reason: `rollbook.yaml ignore: ${glob}` });
      continue;
    }
    const match = at
      ? (byFile.get(at.file) ?? []).find(
          (d) =>
            d.reason !== undefined &&
            at.line >= d.from &&
            at.line <= d.to &&
            (d.rules.length === 0 || d.rules.includes(f.rule)),
        )
      : undefined;
    if (!match) {
      kept.push(f);
      continue;
    }
    used.add(`${key(match)}\u0000${match.rules.length === 0 ? '*' : f.rule}`);
    ignored.push({ finding: f, by: match.at, reason: match.reason as string });
  }
  for (const f of directiveFindings(directives, used)) {
    const level = config.rules[f.rule];
    if (level !== 'off') kept.push(level ? { ...f, severity: level } : f);
  }
  return { findings: sortFindings(kept), ignored };
}

/** Findings about the directives: no reason given, or nothing silenced. */
function directiveFindings(
  directives: readonly IgnoreDirective[],
  used: ReadonlySet<string>,
): CheckFinding[] {
  const kept: CheckFinding[] = [];
  const [noReason, unused] = DIRECTIVE_RULES;
  for (const d of directives) {
    const where =
      d.scope === 'file' ? 'this file' : d.from === d.to ? `line ${d.from}` : `lines ${d.from}-${d.to}`;
    if (d.reason === undefined) {
      kept.push(
        directiveFinding(
          noReason as RuleMeta,
          d,
          `rollbook-ignore without a reason: it does not apply (${where}).`,
        ),
      );
      continue;
    }
    const ids = d.rules.length === 0 ? ['*'] : d.rules;
    for (const id of ids) {
      if (used.has(`${key(d)}\u0000${id}`)) continue;
      const what = id === '*' ? 'no finding' : `no ${id} finding`;
      kept.push(
        directiveFinding(
          unused as RuleMeta,
          d,
          `rollbook-ignore matches ${what} on ${where}: delete it or name the rule that reports there.`,
        ),
      );
    }
  }
  return kept;
}

function key(d: IgnoreDirective): string {
  return `${d.at.file}:${d.at.line}:${d.at.col}`;
}

function directiveFinding(meta: RuleMeta, d: IgnoreDirective, message: string): CheckFinding {
  return {
    rule: meta.id,
    kind: meta.kind,
    severity: meta.severity,
    subject: `${d.at.file}:${d.at.line}`,
    message,
    evidence: [d.at],
    appRollbackSafe: null,
    revertLossless: null,
    mitigation: meta.mitigation,
    touchesData: false,
  };
}
