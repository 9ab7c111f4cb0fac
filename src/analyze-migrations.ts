/**
 * `rollbook migrations analyze` as a library call: load the migration sets (from
 * rollbook.yaml's state.migrations or detected), run the migration rules over the model, and
 * shape the result (the JSON contract in DESIGN.md) plus a text rendering for people.
 */
import type { Finding, Rule, Severity } from './model/finding.js';
import type { MigrationSet, Service } from './model/service.js';
import { loadMigrations, type MigrationSpec } from './readers/migrations/index.js';
import { emptyService } from './readers/service-base.js';
import { RULES } from './rules/index.js';

export type { MigrationSpec } from './readers/migrations/index.js';
export { loadMigrationSets } from './readers/migrations/index.js';

export interface FindingEntry {
  type: 'finding';
  /** Path of the migration set (directory) the entry belongs to. */
  set: string;
  file: string;
  line: number;
  col: number;
  migration: string;
  rule: string;
  severity: Severity;
  kind: Finding['kind'];
  subject: string;
  appRollbackSafe: boolean | null;
  revertLossless: boolean | null;
  message: string;
  mitigation: string;
  /** Further evidence (e.g. the previous definition of a replaced function). */
  related?: { file: string; line: number; note?: string }[];
}

/** A statement PostgreSQL's parser rejects: the analysis of that file is incomplete. */
export interface ParseErrorEntry {
  type: 'parse-error';
  set: string;
  file: string;
  line: number;
  col: number;
  migration: string;
  rule: 'parse-error';
  severity: 'error';
  kind: 'schema';
  subject: string;
  appRollbackSafe: null;
  revertLossless: null;
  message: string;
  mitigation: string;
}

export type Entry = FindingEntry | ParseErrorEntry;

export interface MigrationSummary {
  version: string;
  name: string;
  up?: string;
  down?: string;
  hasDown: boolean;
  downEmpty: boolean;
  downLossy: boolean;
  statements: number;
  findings: number;
  notes: { file: string; line: number; col: number; message: string }[];
}

export interface SetSummary {
  tool: string;
  path: string;
  database: string;
  serverVersion?: number;
  migrations: MigrationSummary[];
  /** Files under the set's folder rollbook could not read as migrations (unknowns). */
  skipped: { file: string; reason: string }[];
  /** Files under the set's folder known not to be migrations (README, lock files, manifests…). */
  ignored: { file: string; reason: string }[];
  /** The set has no downs by design: reverting is restore-from-backup or fix forward. */
  forwardOnly: boolean;
  /** The tool's history table when the service configures a non-default one. */
  historyTable?: string;
}

export interface MigrationsReport {
  sets: SetSummary[];
  /** Migration folders that are not production sets (another engine, test data, examples), with why. */
  excluded: { tool: string; path: string; reason: string; files: string[] }[];
  entries: Entry[];
  summary: {
    sets: number;
    migrations: number;
    statements: number;
    errors: number;
    warnings: number;
    infos: number;
    parseErrors: number;
    skippedFiles: number;
    /** Known non-migration files under migration folders. */
    ignoredFiles: number;
    /** Files in excluded (non-production) folders. */
    excludedFiles: number;
  };
}

/** The rules that read migrations (scope 'migration'), in registry order. */
export function migrationRules(rules: readonly Rule[] = RULES): Rule[] {
  return rules.filter((r) => r.meta.scope === 'migration');
}

/** Load the migration sets of a repository and analyse them. */
export async function analyzeMigrations(
  root: string,
  specs: MigrationSpec[] = [],
): Promise<MigrationsReport> {
  const loaded = await loadMigrations(root, specs);
  const service: Service = {
    ...emptyService(root),
    migrations: loaded.sets,
    excludedMigrations: loaded.excluded,
  };
  return reportMigrations(service);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Run the migration rules over a service's migration sets and shape the report (pure). */
export function reportMigrations(
  service: Service,
  rules: readonly Rule[] = migrationRules(),
): MigrationsReport {
  const findings = rules.flatMap((r) => r.check(service));
  const entries: Entry[] = [];
  const perMigration = new Map<string, { findings: number; lossy: boolean }>();
  const keyOf = (file: string | undefined, version: string) => `${file}\u0000${version}`;
  const fileToSet = new Map<string, MigrationSet>();
  for (const set of service.migrations)
    for (const m of set.migrations) for (const f of [m.up, m.down, m.at]) if (f) fileToSet.set(f.file, set);
  for (const f of findings) {
    const ev = f.evidence[0];
    const file = ev?.file ?? '';
    const set = fileToSet.get(file);
    const entry: FindingEntry = {
      type: 'finding',
      set: set?.path ?? '',
      file,
      line: ev?.line ?? 1,
      col: ev?.col ?? 1,
      migration: f.migration ?? '',
      rule: f.rule,
      severity: f.severity,
      kind: f.kind,
      subject: f.subject,
      appRollbackSafe: f.appRollbackSafe,
      revertLossless: f.revertLossless,
      message: f.message,
      mitigation: f.mitigation,
    };
    if (f.evidence.length > 1)
      entry.related = f.evidence
        .slice(1)
        .map((e) => ({ file: e.file, line: e.line, ...(e.note ? { note: e.note } : {}) }));
    entries.push(entry);
    const k = keyOf(entry.set, f.migration ?? '');
    const s = perMigration.get(k) ?? { findings: 0, lossy: false };
    s.findings++;
    if (f.rule === 'lossy-down') s.lossy = true;
    perMigration.set(k, s);
  }
  const sets: SetSummary[] = [];
  let statements = 0;
  let skippedFiles = 0;
  for (const set of service.migrations) {
    skippedFiles += set.skipped.length;
    const migrations: MigrationSummary[] = set.migrations.map((m) => {
      for (const f of [m.up, m.down]) {
        if (!f) continue;
        for (const e of f.errors)
          entries.push({
            type: 'parse-error',
            set: set.path,
            file: e.at.file,
            line: e.at.line,
            col: e.at.col ?? 1,
            migration: m.version,
            rule: 'parse-error',
            severity: 'error',
            kind: 'schema',
            subject: e.at.file,
            appRollbackSafe: null,
            revertLossless: null,
            message: `${f.direction} migration: ${e.message}`,
            mitigation:
              'Fix the SQL so that PostgreSQL accepts it (this migration would fail here, and rollbook cannot vouch for what follows); if the file is written for another database, move it out of this PostgreSQL migration set.',
          });
      }
      const n = (m.up?.statements.length ?? 0) + (m.down?.statements.length ?? 0);
      statements += n;
      const s = perMigration.get(keyOf(set.path, m.version));
      const out: MigrationSummary = {
        version: m.version,
        name: m.name,
        hasDown: !!m.down && !m.down.empty,
        downEmpty: m.down?.empty === true,
        downLossy: s?.lossy ?? false,
        statements: n,
        findings: s?.findings ?? 0,
        notes: [...(m.up?.notes ?? []), ...(m.down?.notes ?? [])].map((x) => ({
          file: x.at.file,
          line: x.at.line,
          col: x.at.col ?? 1,
          message: x.message,
        })),
      };
      if (m.up) out.up = m.up.file;
      if (m.down) out.down = m.down.file;
      return out;
    });
    const summary: SetSummary = {
      tool: set.tool,
      path: set.path,
      database: set.database,
      migrations,
      skipped: set.skipped,
      ignored: set.ignored ?? [],
      forwardOnly: set.forwardOnly === true,
    };
    if (set.historyTable) summary.historyTable = set.historyTable.value;
    if (set.serverVersion !== undefined) summary.serverVersion = set.serverVersion;
    sets.push(summary);
  }
  entries.sort(
    (a, b) =>
      cmp(a.file, b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      cmp(a.rule, b.rule) ||
      cmp(subjectOf(a), subjectOf(b)),
  );
  const count = (s: Severity) => entries.filter((e) => e.type === 'finding' && e.severity === s).length;
  const excluded = (service.excludedMigrations ?? []).map((e) => ({
    tool: e.tool,
    path: e.path,
    reason: e.reason,
    files: e.files,
  }));
  return {
    sets,
    excluded,
    entries,
    summary: {
      sets: sets.length,
      migrations: sets.reduce((n, s) => n + s.migrations.length, 0),
      statements,
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
      parseErrors: entries.filter((e) => e.type === 'parse-error').length,
      skippedFiles,
      ignoredFiles: sets.reduce((n, x) => n + x.ignored.length, 0),
      excludedFiles: excluded.reduce((n, x) => n + x.files.length, 0),
    },
  };
}

function subjectOf(e: Entry): string {
  return e.type === 'finding' ? e.subject : e.message;
}

/** True when the report holds something that blocks a safe rollback (exit code 1). */
export function isBlocking(report: MigrationsReport): boolean {
  return report.entries.some((e) => e.severity === 'error');
}

export function renderMigrationsJson(report: MigrationsReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const yn = (v: boolean | null): string => (v === null ? 'unknown' : v ? 'yes' : 'no');

/** Text for a person at 3 a.m.: grouped by migration, file:line first, the fix spelled out. */
export function renderMigrationsText(report: MigrationsReport): string {
  const lines: string[] = [];
  const s = report.summary;
  const excludedLines = report.excluded.map(
    (e) => `  ${e.path} (${e.tool}, ${e.files.length} files): ${e.reason}`,
  );
  if (report.sets.length === 0) {
    lines.push('No migrations found. Point rollbook.yaml state.migrations.path at them if they exist.');
    if (excludedLines.length)
      lines.push('', 'Not production sets (never replayed, no command):', ...excludedLines);
    return `${lines.join('\n')}\n`;
  }
  const byMigration = new Map<string, Entry[]>();
  for (const e of report.entries) {
    const k = `${e.set}\u0000${e.migration}`;
    const list = byMigration.get(k) ?? [];
    list.push(e);
    byMigration.set(k, list);
  }
  for (const set of report.sets) {
    lines.push(
      `${set.path} (${set.tool}, ${set.database}${set.serverVersion ? ` ${set.serverVersion}` : ''}): ${set.migrations.length} migration${set.migrations.length === 1 ? '' : 's'}${set.forwardOnly ? ', forward only' : ''}${set.historyTable ? `, history table ${set.historyTable}` : ''}; files: ${set.ignored.length} known non-migration, ${set.skipped.length} unknown`,
    );
    for (const m of set.migrations) {
      // the up's entries first, then the down's: what deploying does, then what reverting does
      const uniq = [...(byMigration.get(`${set.path}\u0000${m.version}`) ?? [])].sort(
        (a, b) => Number(a.file !== m.up) - Number(b.file !== m.up),
      );
      if (uniq.length === 0 && m.notes.length === 0) continue;
      const down = m.hasDown
        ? m.downLossy
          ? 'down: yes, LOSSY'
          : 'down: yes'
        : m.downEmpty
          ? 'down: empty (irreversible)'
          : 'down: none';
      lines.push('', `  ${m.version} ${m.name}  [${down}]`);
      for (const e of uniq) {
        const loc = `${e.file}:${e.line}:${e.col}`;
        if (e.type === 'parse-error') {
          lines.push(`    ERROR    ${loc}  parse error: ${e.message}`);
          continue;
        }
        lines.push(`    ${e.severity.toUpperCase().padEnd(8)} ${loc}  ${e.rule}  ${e.subject}`);
        lines.push(`             ${e.message}`);
        lines.push(
          `             app-only rollback safe: ${yn(e.appRollbackSafe)}; revert lossless: ${yn(e.revertLossless)}`,
        );
        lines.push(`             fix: ${e.mitigation}`);
      }
      for (const n of m.notes) lines.push(`    note     ${n.file}:${n.line}:${n.col}  ${n.message}`);
    }
    if (set.skipped.length > 0) {
      lines.push('', '  skipped:');
      for (const k of set.skipped) lines.push(`    ${k.file}: ${k.reason}`);
    }
    lines.push('');
  }
  if (excludedLines.length)
    lines.push('Not production sets (never replayed, no command):', ...excludedLines, '');
  lines.push(
    `${s.migrations} migrations, ${s.statements} statements: ${s.errors} errors, ${s.warnings} warnings, ${s.infos} info, ${s.parseErrors} parse errors, ${s.skippedFiles} files skipped (unknown), ${s.ignoredFiles} known non-migration files, ${s.excludedFiles} files in excluded folders.`,
  );
  return `${lines.join('\n')}\n`;
}
