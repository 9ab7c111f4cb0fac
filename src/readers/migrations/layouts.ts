import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Evidence, Migration, MigrationFile, MigrationTool } from '../../model/service.js';
import { readBudget } from '../text-file.js';
import {
  compareVersions,
  type DirEntry,
  listDir,
  type ReadResult,
  readSqlText,
  TOTAL_SQL_BYTES,
} from './files.js';
import { parseSql } from './parse.js';
import { type Job, parseMany } from './pool.js';
import { Positions } from './positions.js';
import { type Note, neutralise, notesIn, section } from './preprocess.js';
import { readScriptMigration, referencedSqlFile, type ScriptMigration } from './script.js';

/** Reads are cached: detection sniffs file contents that the layout then parses. */
export class LayoutContext {
  readonly root: string;
  /** Parses deferred until flush(), so that they can run in parallel. */
  private pending: { job: Job; target: MigrationFile }[] = [];
  private readonly cache = new Map<string, ReadResult>();
  private readonly listings = new Map<string, DirEntry[]>();
  /** What this load may still read, all migration files together. */
  private readonly budget = readBudget(TOTAL_SQL_BYTES);
  /** Characters queued for the parser so far: a layout's parse work is linear when this is. */
  queued = 0;
  /** Which files to parse (all by default); the others keep no statements (check reads a change only). */
  private readonly parse: (file: string) => boolean;
  constructor(root: string, parse: (file: string) => boolean = () => true) {
    this.root = root;
    this.parse = parse;
  }
  read(rel: string): ReadResult {
    let r = this.cache.get(rel);
    if (!r) {
      r = readSqlText(join(this.root, rel), this.root, this.budget);
      this.cache.set(rel, r);
    }
    return r;
  }
  list(rel: string): DirEntry[] {
    let r = this.listings.get(rel);
    if (!r) {
      r = listDir(join(this.root, rel));
      this.listings.set(rel, r);
    }
    return r;
  }
  exists(rel: string): boolean {
    return existsSync(join(this.root, rel));
  }
  /** Like sqlFile(), but the parse runs at flush(): the returned file is filled in then. */
  sqlFile(file: string, direction: 'up' | 'down', text: string, notes: Note[] = []): MigrationFile {
    const f: MigrationFile = { file, direction, statements: [], errors: [], empty: false };
    const n = notes.length > 0 ? located(new Positions(text), notes, file) : [];
    if (n.length > 0) f.notes = n;
    if (this.parse(file)) this.queue({ file, text }, f);
    return f;
  }
  /**
   * One direction that is a part of a file (a changeset, a marked section): only the text of
   * `ranges` is parsed, with positions in the whole file (`src.pos`, built once per file).
   */
  sectionFile(
    file: string,
    direction: 'up' | 'down',
    src: SourceText,
    ranges: readonly (readonly [number, number])[],
    withNotes = true,
  ): MigrationFile {
    const f: MigrationFile = { file, direction, statements: [], errors: [], empty: false };
    const sec = section(src.pos.text, ranges);
    if (withNotes) {
      const n = located(src.pos, notesIn(src.notes, sec.start, sec.end), file);
      if (n.length > 0) f.notes = n;
    }
    if (this.parse(file)) this.queue({ file, text: sec.text, origin: src.pos.fromU16(sec.start) }, f);
    return f;
  }
  /** Statements (bounded above by semicolons) queued so far, all files together. */
  private statements = 0;
  private queue(job: Job, target: MigrationFile): void {
    const n = semicolons(job.text);
    const at = { file: job.file, line: job.origin?.line ?? 1, col: job.origin?.col ?? 1 };
    const refuse = (message: string) => {
      target.errors.push({ message: `${message}: not analysed, its rollback hazards are unknown`, at });
      target.empty = false;
    };
    if (n > MAX_FILE_STATEMENTS) {
      refuse(`too many statements to analyse: ${n} > ${MAX_FILE_STATEMENTS} in one file (counted by ";")`);
      return;
    }
    if (this.statements + n > MAX_TOTAL_STATEMENTS) {
      refuse(
        `too many statements to analyse: ${this.statements + n} > ${MAX_TOTAL_STATEMENTS} in all the migrations one run reads (counted by ";")`,
      );
      return;
    }
    this.statements += n;
    this.queued += job.text.length;
    this.pending.push({ job, target });
  }
  /** Run the deferred parses (in worker threads when there are many) and fill in the files. */
  async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0) return;
    const results = await parseMany(pending.map((p) => p.job));
    pending.forEach((p, i) => {
      const r = results[i] ?? { statements: [], errors: [] };
      p.target.statements = r.statements;
      p.target.errors = [...p.target.errors, ...r.errors];
      p.target.empty = p.target.statements.length === 0 && p.target.errors.length === 0;
    });
  }
}

/**
 * Statement caps, counted by semicolons before parsing (an upper bound of the statements: the parse
 * trees are what takes memory, ~2 KB per statement). One file of 10,000 statements is a dump,
 * not a migration; 50,000 across every migration file keeps `plan` under ~4 s CPU and ~400 MB
 * (bench: hostile-input). Past a cap a file is not parsed and carries a located error, which
 * every command reports as an unknown (never a pass).
 */
export const MAX_FILE_STATEMENTS = 10_000;
export const MAX_TOTAL_STATEMENTS = 50_000;

function semicolons(text: string): number {
  let n = 0;
  for (let i = text.indexOf(';'); i !== -1; i = text.indexOf(';', i + 1)) n++;
  return n;
}

export interface Built {
  migrations: Migration[];
  skipped: { file: string; reason: string }[];
  /** Files the layout read that are not a migration's up or down (a plan, a manifest). */
  claimed?: string[];
  /** The layout has no downs by design. */
  forwardOnly?: boolean;
}

const rel = (dir: string, name: string): string => (dir === '.' || dir === '' ? name : posix.join(dir, name));

/** A neutralised file: its text (with positions) and the notes on what was neutralised. */
export interface SourceText {
  pos: Positions;
  notes: Note[];
}

function located(pos: Positions, notes: Note[], file: string): { message: string; at: Evidence }[] {
  return notes.map((n) => {
    const lc = pos.fromU16(n.index);
    return { message: n.message, at: { file, line: lc.line, col: lc.col } };
  });
}

/** Parse one (already neutralised) text as one direction of a migration; never throws. */
export function sqlFile(
  file: string,
  direction: 'up' | 'down',
  text: string,
  notes: Note[] = [],
): MigrationFile {
  let statements: MigrationFile['statements'] = [];
  let errors: MigrationFile['errors'] = [];
  try {
    const parsed = parseSql(file, text);
    statements = parsed.statements;
    errors = parsed.errors;
  } catch (e) {
    errors = [
      { message: `the parser failed: ${(e as Error)?.message ?? String(e)}`, at: { file, line: 1, col: 1 } },
    ];
  }
  const f: MigrationFile = {
    file,
    direction,
    statements,
    errors,
    empty: statements.length === 0 && errors.length === 0,
  };
  const n = notes.length > 0 ? located(new Positions(text), notes, file) : [];
  if (n.length > 0) f.notes = n;
  return f;
}

/** Read and parse a whole file as one direction; undefined (with a skipped entry) when unreadable. */
function wholeFile(
  ctx: LayoutContext,
  file: string,
  direction: 'up' | 'down',
  skipped: Built['skipped'],
  opts: { envsub?: boolean } = {},
): MigrationFile | undefined {
  const r = ctx.read(file);
  if ('skip' in r) {
    skipped.push({ file, reason: r.skip });
    return undefined;
  }
  const n = neutralise(r.text, opts);
  return ctx.sqlFile(file, direction, n.text, n.notes);
}

function at(file: string, line = 1): Evidence {
  return { file, line };
}

function byVersion(ms: Migration[]): Migration[] {
  return ms.sort(
    (a, b) => compareVersions(a.version, b.version) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

const POSTGRES_DIALECTS = new Set(['postgres', 'postgresql', 'pg', 'pgsql']);
const OTHER_DIALECTS = new Set([
  'mysql',
  'mariadb',
  'sqlite',
  'sqlite3',
  'mssql',
  'sqlserver',
  'oracle',
  'cockroach',
  'cockroachdb',
  'clickhouse',
  'spanner',
  'redshift',
  'snowflake',
  'tidb',
  'ydb',
  'vertica',
  'duckdb',
]);

export interface DirectionalName {
  version: string;
  name: string;
  direction: 'up' | 'down';
  dialect?: string;
  /** Flyway-like `V0001.Name.up.sql`. */
  prefixed?: boolean;
}

/** `0001_name.up.sql`, `0001_name_up.sql`, `0001_name.postgres.down.sql`. */
export function parseDirectionalName(base: string): DirectionalName | undefined {
  const m = /^(.*?)[._](up|down)\.sql$/i.exec(base);
  if (!m) return undefined;
  let stem = m[1] as string;
  const direction = (m[2] as string).toLowerCase() as 'up' | 'down';
  let dialect: string | undefined;
  const d = /\.([A-Za-z0-9]+)$/.exec(stem);
  if (d) {
    const lower = (d[1] as string).toLowerCase();
    if (POSTGRES_DIALECTS.has(lower) || OTHER_DIALECTS.has(lower)) {
      dialect = lower;
      stem = stem.slice(0, d.index);
    }
  }
  const v = /^([Vv])?(\d+)(?:[_.-](.*))?$/.exec(stem);
  if (!v) return undefined;
  return {
    version: v[2] as string,
    name: v[3] ?? '',
    direction,
    ...(dialect ? { dialect } : {}),
    ...(v[1] ? { prefixed: true } : {}),
  };
}

/**
 * Which runner a folder of one-file-per-direction migrations needs: golang-migrate reads
 * `<digits>_<name>.up.sql` with unique versions; `V0001.Name.up.sql` names and several files
 * sharing one numeric prefix (ordered by full file name) are a custom runner's.
 */
export function directionalRunner(names: string[]): 'golang-migrate' | 'custom' {
  if (names.some((n) => parseDirectionalName(n)?.prefixed)) return 'custom';
  return sharedPrefix(names) ? 'custom' : 'golang-migrate';
}

/** Several up files share one numeric prefix with different names (ordered by full name). */
function sharedPrefix(names: string[]): boolean {
  const ups = new Map<string, Set<string>>();
  for (const n of names) {
    const p = parseDirectionalName(n);
    if (p?.direction !== 'up') continue;
    const key = versionKey(p.version);
    const set = ups.get(key) ?? new Set<string>();
    set.add(p.name);
    ups.set(key, set);
  }
  return [...ups.values()].some((s) => s.size > 1);
}

function versionKey(v: string): string {
  return v.replace(/^0+(?=\d)/, '');
}

/** golang-migrate (and sqlx/refinery-style) one file per direction. */
export function golangMigrate(ctx: LayoutContext, dir: string): Built {
  return directional(ctx, dir, false);
}

/**
 * One file per direction, paired by version; with `fullName` (runners that order by the whole
 * file name) every file is a migration and the version is the full name.
 */
function directional(ctx: LayoutContext, dir: string, fullName: boolean): Built {
  const skipped: Built['skipped'] = [];
  type Cand = DirectionalName & { file: string };
  const groups = new Map<string, Cand[]>();
  for (const e of ctx.list(dir)) {
    if (e.dir || !/\.sql$/i.test(e.name)) continue;
    const file = rel(dir, e.name);
    const p = parseDirectionalName(e.name);
    if (!p) {
      skipped.push({ file, reason: 'name does not follow <version>_<name>.up.sql / .down.sql' });
      continue;
    }
    if (p.dialect && !POSTGRES_DIALECTS.has(p.dialect)) {
      skipped.push({ file, reason: `${p.dialect} dialect variant: ignored for PostgreSQL` });
      continue;
    }
    const key = fullName ? `${versionKey(p.version)}_${p.name}` : versionKey(p.version);
    const list = groups.get(key) ?? [];
    list.push(
      fullName
        ? { ...p, version: `${p.prefixed ? 'V' : ''}${p.version}${p.name ? `_${p.name}` : ''}`, file }
        : { ...p, file },
    );
    groups.set(key, list);
  }
  const migrations: Migration[] = [];
  for (const cands of groups.values()) {
    const pick = (direction: 'up' | 'down'): Cand | undefined => {
      const all = cands.filter((c) => c.direction === direction);
      const pg = all.filter((c) => c.dialect);
      const chosen = (pg.length > 0 ? pg : all)[0];
      for (const c of all) {
        if (c === chosen) continue;
        skipped.push({
          file: c.file,
          reason:
            chosen?.dialect && !c.dialect
              ? `shadowed by the PostgreSQL variant ${chosen.file}`
              : `duplicate ${direction} for version ${c.version} (using ${chosen?.file})`,
        });
      }
      return chosen;
    };
    const up = pick('up');
    const down = pick('down');
    if (!up) {
      if (down) skipped.push({ file: down.file, reason: 'down file without an up file' });
      continue;
    }
    const m: Migration = { version: up.version, name: up.name, at: at(up.file) };
    const upFile = wholeFile(ctx, up.file, 'up', skipped);
    if (!upFile) continue;
    m.up = upFile;
    if (down) {
      const downFile = wholeFile(ctx, down.file, 'down', skipped);
      if (downFile) {
        if (down.name !== up.name) {
          downFile.notes = [
            ...(downFile.notes ?? []),
            {
              message: `down name "${down.name}" differs from the up name "${up.name}": paired by version ${up.version}`,
              at: at(down.file),
            },
          ];
        }
        m.down = downFile;
      }
    }
    migrations.push(m);
  }
  return { migrations: byVersion(migrations), skipped };
}

/** A plain ordered folder of .sql files, no downs. */
export function plain(ctx: LayoutContext, dir: string): Built {
  const skipped: Built['skipped'] = [];
  const migrations: Migration[] = [];
  for (const e of ctx.list(dir)) {
    if (e.dir || !/\.sql$/i.test(e.name)) continue;
    const file = rel(dir, e.name);
    const m = /^(\d+)(?!\d)[_.-]?(.*)\.sql$/i.exec(e.name);
    const version = m ? (m[1] as string) : e.name.replace(/\.sql$/i, '');
    const up = wholeFile(ctx, file, 'up', skipped);
    if (up) migrations.push({ version, name: m ? (m[2] as string) : version, up, at: at(file) });
  }
  // Several files sharing one numeric prefix: runners order by the full name; so does the version.
  const count = new Map<string, number>();
  for (const m of migrations) count.set(versionKey(m.version), (count.get(versionKey(m.version)) ?? 0) + 1);
  for (const m of migrations)
    if ((count.get(versionKey(m.version)) ?? 0) > 1)
      m.version = posix.basename(m.up?.file ?? m.version, '.sql');
  return { migrations: byVersion(migrations), skipped };
}

interface Marker {
  direction: 'up' | 'down';
  start: number;
  bodyStart: number;
  line: number;
}

function markers(text: string, re: RegExp): Marker[] {
  const out: Marker[] = [];
  let line = 1;
  let idx = 0;
  while (idx <= text.length) {
    const nl = text.indexOf('\n', idx);
    const end = nl === -1 ? text.length : nl;
    const m = re.exec(text.slice(idx, end));
    if (m)
      out.push({
        direction: (m[1] as string).toLowerCase() as 'up' | 'down',
        start: idx,
        bodyStart: end,
        line,
      });
    if (nl === -1) break;
    idx = nl + 1;
    line++;
  }
  return out;
}

/** dbmate (-- migrate:up / -- migrate:down) and goose (-- +goose Up / Down): both directions in one file. */
function sectioned(
  ctx: LayoutContext,
  dir: string,
  tool: 'dbmate' | 'goose',
  skipped: Built['skipped'],
): Migration[] {
  const re = tool === 'dbmate' ? /^--\s*migrate:(up|down)\b/i : /^--\s*\+goose\s+(up|down)\b/i;
  const nameRe = tool === 'dbmate' ? /^(\d+)(?!\d)[_.-]?(.*)\.sql$/i : /^(\d+)_(.+)\.(sql|go)$/i;
  const migrations: Migration[] = [];
  for (const e of ctx.list(dir)) {
    if (e.dir) continue;
    const file = rel(dir, e.name);
    const nm = nameRe.exec(e.name);
    if (!nm) {
      if (/\.sql$/i.test(e.name))
        skipped.push({ file, reason: `name does not follow ${tool}'s <version>_<name>.sql` });
      continue;
    }
    if (/\.go$/i.test(e.name)) {
      skipped.push({ file, reason: 'Go migration: only SQL migrations are analysed' });
      continue;
    }
    const r = ctx.read(file);
    if ('skip' in r) {
      skipped.push({ file, reason: r.skip });
      continue;
    }
    const envsub = tool === 'goose' && /^--\s*\+goose\s+envsub\s+on\b/im.test(r.text);
    const n = neutralise(r.text, { envsub });
    const ms = markers(n.text, re);
    const src: SourceText = { pos: new Positions(n.text), notes: n.notes };
    const m: Migration = { version: nm[1] as string, name: nm[2] as string, at: at(file) };
    const upMarker = ms.find((x) => x.direction === 'up');
    if (!upMarker) {
      const f = ctx.sqlFile(file, 'up', n.text, n.notes);
      f.errors.unshift({
        message: `no ${tool === 'dbmate' ? '-- migrate:up' : '-- +goose Up'} marker: ${tool} will not run this file`,
        at: { file, line: 1, col: 1 },
      });
      f.empty = false;
      m.up = f;
      migrations.push(m);
      continue;
    }
    for (let i = 0; i < ms.length; i++) {
      const mk = ms[i] as Marker;
      const end = ms[i + 1]?.start ?? n.text.length;
      const f = ctx.sectionFile(file, mk.direction, src, [[mk.bodyStart, end]]);
      if (mk.direction === 'up' && !m.up) m.up = f;
      else if (mk.direction === 'down' && !m.down) m.down = f;
      else {
        const first = (mk.direction === 'up' ? m.up : m.down) as MigrationFile;
        first.errors.push({
          message: `second ${mk.direction} marker: ${tool} uses only the first section`,
          at: { file, line: mk.line, col: 1 },
        });
        first.empty = false;
      }
    }
    migrations.push(m);
  }
  return migrations;
}

export function dbmate(ctx: LayoutContext, dir: string): Built {
  const skipped: Built['skipped'] = [];
  return { migrations: byVersion(sectioned(ctx, dir, 'dbmate', skipped)), skipped };
}

export function goose(ctx: LayoutContext, dir: string): Built {
  const skipped: Built['skipped'] = [];
  return { migrations: byVersion(sectioned(ctx, dir, 'goose', skipped)), skipped };
}

export function walkFiles(ctx: LayoutContext, dir: string, depth = 0): string[] {
  const out: string[] = [];
  for (const e of ctx.list(dir)) {
    const p = rel(dir, e.name);
    if (e.dir) {
      if (depth < 8 && !e.name.startsWith('.')) out.push(...walkFiles(ctx, p, depth + 1));
    } else out.push(p);
  }
  return out;
}

/** Flyway: V<version>__<desc>.sql, U<version>__<desc>.sql (undo), R__<desc>.sql (repeatable); recursive. */
export function flyway(ctx: LayoutContext, dir: string): Built {
  const skipped: Built['skipped'] = [];
  const versioned = new Map<string, Migration>();
  const undos = new Map<string, string>();
  const repeatable: Migration[] = [];
  for (const file of walkFiles(ctx, dir)) {
    const base = posix.basename(file);
    if (!/\.sql$/i.test(base)) continue;
    const m = /^([VUBR])(\d+(?:[._]\d+)*)?__(.+)\.sql$/.exec(base);
    if (!m) {
      skipped.push({ file, reason: 'name does not follow Flyway V<version>__<description>.sql' });
      continue;
    }
    const kind = m[1] as string;
    const version = (m[2] ?? '').replace(/_/g, '.');
    const name = (m[3] as string).replace(/_/g, ' ');
    if (kind === 'R') {
      const up = wholeFile(ctx, file, 'up', skipped);
      if (up) repeatable.push({ version: `R__${m[3]}`, name, up, at: at(file) });
    } else if (kind === 'B') {
      skipped.push({
        file,
        reason: 'Flyway baseline migration: replaces earlier versions on new databases only',
      });
    } else if (!version) {
      skipped.push({ file, reason: `Flyway ${kind} migration without a version` });
    } else if (kind === 'U') {
      undos.set(versionKey(version), file);
    } else {
      const key = versionKey(version);
      if (versioned.has(key)) {
        skipped.push({ file, reason: `duplicate Flyway version ${version}` });
        continue;
      }
      const up = wholeFile(ctx, file, 'up', skipped);
      if (up) versioned.set(key, { version, name, up, at: at(file) });
    }
  }
  for (const [key, file] of undos) {
    const m = versioned.get(key);
    if (!m) {
      skipped.push({ file, reason: 'undo migration without a matching V migration' });
      continue;
    }
    const down = wholeFile(ctx, file, 'down', skipped);
    if (down) m.down = down;
  }
  const ordered = byVersion([...versioned.values()]);
  repeatable.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  return { migrations: [...ordered, ...repeatable], skipped };
}

/** sqitch: sqitch.plan lists changes in order; deploy/, revert/, verify/ hold the scripts. */
export function sqitch(ctx: LayoutContext, dir: string): Built {
  const skipped: Built['skipped'] = [];
  const planFile = rel(dir, 'sqitch.plan');
  const r = ctx.read(planFile);
  if ('skip' in r) return { migrations: [], skipped: [{ file: planFile, reason: r.skip }] };
  type Entry = { kind: 'change'; name: string; line: number; note: string } | { kind: 'tag'; name: string };
  const entries: Entry[] = [];
  r.text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('%') || line.startsWith('#')) return;
    if (line.startsWith('@')) {
      entries.push({ kind: 'tag', name: (line.split(/\s+/)[0] as string).slice(1) });
      return;
    }
    const m = /^([^\s[\]@#:]+)/.exec(line);
    if (!m) return;
    const note = /\s#\s?(.*)$/.exec(line)?.[1]?.trim() ?? '';
    entries.push({ kind: 'change', name: m[1] as string, line: i + 1, note });
  });
  const lastIndex = new Map<string, number>();
  entries.forEach((e, i) => {
    if (e.kind === 'change') lastIndex.set(e.name, i);
  });
  const migrations: Migration[] = [];
  entries.forEach((e, i) => {
    if (e.kind !== 'change') return;
    let suffix = '';
    if (lastIndex.get(e.name) !== i) {
      const tag = entries.slice(i + 1).find((x) => x.kind === 'tag');
      if (tag) suffix = `@${tag.name}`;
    }
    const script = `${e.name}${suffix}.sql`;
    const deploy = rel(dir, `deploy/${script}`);
    if (!ctx.exists(deploy)) {
      skipped.push({ file: deploy, reason: `deploy script for sqitch change ${e.name}${suffix} is missing` });
      return;
    }
    const up = wholeFile(ctx, deploy, 'up', skipped);
    if (!up) return;
    const m: Migration = {
      version: `${e.name}${suffix}`,
      name: e.note || e.name,
      up,
      at: at(planFile, e.line),
    };
    const revert = rel(dir, `revert/${script}`);
    if (ctx.exists(revert)) {
      const down = wholeFile(ctx, revert, 'down', skipped);
      if (down) m.down = down;
    }
    migrations.push(m);
  });
  return { migrations, skipped };
}

/** Prisma: migrations/<timestamp>_<name>/migration.sql (a down.sql beside it is used when present). */
export function prisma(ctx: LayoutContext, dir: string): Built {
  const skipped: Built['skipped'] = [];
  const migrations: Migration[] = [];
  for (const e of ctx.list(dir)) {
    if (!e.dir) continue;
    const sub = rel(dir, e.name);
    const file = rel(sub, 'migration.sql');
    if (!ctx.exists(file)) continue;
    const m = /^(\d+)_(.+)$/.exec(e.name);
    const up = wholeFile(ctx, file, 'up', skipped);
    if (!up) continue;
    const mig: Migration = {
      version: m ? (m[1] as string) : e.name,
      name: m ? (m[2] as string) : e.name,
      up,
      at: at(file),
    };
    const downPath = rel(sub, 'down.sql');
    if (ctx.exists(downPath)) {
      const down = wholeFile(ctx, downPath, 'down', skipped);
      if (down) mig.down = down;
    }
    migrations.push(mig);
  }
  return { migrations: byVersion(migrations), skipped };
}

/** diesel: <timestamp>_<name>/up.sql + down.sql. */
export function diesel(ctx: LayoutContext, dir: string): Built {
  const skipped: Built['skipped'] = [];
  const migrations: Migration[] = [];
  for (const e of ctx.list(dir)) {
    if (!e.dir) continue;
    const sub = rel(dir, e.name);
    const upPath = rel(sub, 'up.sql');
    if (!ctx.exists(upPath)) continue;
    const m = /^([\d-]+)_(.+)$/.exec(e.name);
    const up = wholeFile(ctx, upPath, 'up', skipped);
    if (!up) continue;
    const version = m ? (m[1] as string).replace(/-/g, '') : e.name;
    const mig: Migration = { version, name: m ? (m[2] as string) : e.name, up, at: at(upPath) };
    const downPath = rel(sub, 'down.sql');
    if (ctx.exists(downPath)) {
      const down = wholeFile(ctx, downPath, 'down', skipped);
      if (down) mig.down = down;
    }
    migrations.push(mig);
  }
  return { migrations: byVersion(migrations), skipped };
}

const LIQUIBASE_HEADER = /^\s*--\s*liquibase\s+formatted\s+sql\b/i;

export function isLiquibaseFormatted(text: string): boolean {
  return LIQUIBASE_HEADER.test(text);
}

/** Liquibase formatted SQL: --changeset author:id blocks with --rollback lines or a rollback comment block. */
export function liquibase(ctx: LayoutContext, dir: string): Built {
  const skipped: Built['skipped'] = [];
  const migrations: Migration[] = [];
  for (const file of walkFiles(ctx, dir)) {
    if (/\.(xml|ya?ml|json)$/i.test(file)) {
      skipped.push({ file, reason: 'Liquibase XML/YAML/JSON changelog: only formatted SQL is analysed' });
      continue;
    }
    if (!/\.sql$/i.test(file)) continue;
    const r = ctx.read(file);
    if ('skip' in r) {
      skipped.push({ file, reason: r.skip });
      continue;
    }
    if (!isLiquibaseFormatted(r.text)) {
      skipped.push({ file, reason: 'not Liquibase formatted SQL (no "--liquibase formatted sql" header)' });
      continue;
    }
    const n = neutralise(r.text);
    const text = n.text;
    interface Cs {
      id: string;
      author: string;
      line: number;
      start: number;
      end: number;
      rollback: [number, number][];
      explicitNone: boolean;
    }
    const sets: Cs[] = [];
    let cur: Cs | undefined;
    let inBlock = false;
    let idx = 0;
    let line = 1;
    while (idx <= text.length) {
      const nl = text.indexOf('\n', idx);
      const end = nl === -1 ? text.length : nl;
      const l = text.slice(idx, end);
      const cs = /^\s*--\s*changeset\s+([^:\s]+):(\S+)/i.exec(l);
      if (cs) {
        if (cur) cur.end = idx;
        cur = {
          author: cs[1] as string,
          id: cs[2] as string,
          line,
          start: end,
          end: text.length,
          rollback: [],
          explicitNone: false,
        };
        sets.push(cur);
        inBlock = false;
      } else if (cur) {
        if (inBlock) {
          const close = l.indexOf('*/');
          if (close >= 0) {
            cur.rollback.push([idx, idx + close]);
            inBlock = false;
          } else cur.rollback.push([idx, end]);
        } else if (/^\s*\/\*\s*liquibase\s+rollback\b/i.test(l)) {
          inBlock = true;
        } else {
          const rb = /^(\s*--\s*rollback\b\s?)(.*)$/i.exec(l);
          if (rb) {
            if (/^\s*(not required|empty)\s*$/i.test(rb[2] as string)) cur.explicitNone = true;
            else cur.rollback.push([idx + (rb[1] as string).length, end]);
          }
        }
      }
      if (nl === -1) break;
      idx = nl + 1;
      line++;
    }
    const src: SourceText = { pos: new Positions(text), notes: n.notes };
    for (const cs of sets) {
      const up = ctx.sectionFile(file, 'up', src, [[cs.start, cs.end]]);
      const m: Migration = { version: `${cs.author}:${cs.id}`, name: cs.id, up, at: at(file, cs.line) };
      if (cs.rollback.length > 0 || cs.explicitNone) {
        m.down = ctx.sectionFile(file, 'down', src, cs.rollback, false);
      }
      migrations.push(m);
    }
  }
  return { migrations, skipped };
}

/**
 * Versioned directories, each with a manifest.json listing its SQL files in order
 * (`schema/v1.2/manifest.json`): applied forward only by the service's own deployer.
 */
export function manifest(ctx: LayoutContext, dir: string): Built {
  const skipped: Built['skipped'] = [];
  const claimed: string[] = [];
  const migrations: Migration[] = [];
  const versions = ctx
    .list(dir)
    .filter((e) => e.dir && ctx.exists(rel(rel(dir, e.name), 'manifest.json')))
    .map((e) => e.name)
    .sort(compareVersions);
  for (const v of versions) {
    const sub = rel(dir, v);
    const mf = rel(sub, 'manifest.json');
    claimed.push(mf);
    const r = ctx.read(mf);
    if ('skip' in r) {
      skipped.push({ file: mf, reason: r.skip });
      continue;
    }
    let listed: string[] | undefined;
    try {
      listed = manifestFiles(JSON.parse(r.text));
    } catch (e) {
      skipped.push({
        file: mf,
        reason: `manifest is not valid JSON (${(e as Error).message}): its files are unknown`,
      });
      continue;
    }
    if (!listed) {
      skipped.push({
        file: mf,
        reason: 'manifest lists no .sql files (expected "files": [...]): its files are unknown',
      });
      continue;
    }
    listed.forEach((name) => {
      const file = rel(sub, name);
      if (!ctx.exists(file)) {
        skipped.push({ file, reason: `listed in ${mf} but missing` });
        return;
      }
      const up = wholeFile(ctx, file, 'up', skipped);
      if (!up) return;
      const line = r.text.split('\n').findIndex((l) => l.includes(JSON.stringify(name).slice(1, -1))) + 1;
      migrations.push({
        version: `${v}/${name.replace(/\.sql$/i, '')}`,
        name: name.replace(/\.sql$/i, ''),
        up,
        at: at(mf, line || 1),
      });
    });
    for (const e of ctx.list(sub)) {
      const file = rel(sub, e.name);
      if (!e.dir && /\.sql$/i.test(e.name) && !listed.includes(e.name))
        skipped.push({
          file,
          reason: `not listed in ${mf}: the deployer does not apply it (or the manifest is incomplete)`,
        });
    }
  }
  return { migrations, skipped, claimed, forwardOnly: true };
}

/** The ordered .sql names a manifest lists: an array, or `files`/`migrations`/`scripts` of strings or {file|path|name}. */
function manifestFiles(j: unknown): string[] | undefined {
  const pick = (x: unknown): string | undefined =>
    typeof x === 'string'
      ? x
      : x && typeof x === 'object'
        ? (['file', 'path', 'name', 'script']
            .map((k) => (x as Record<string, unknown>)[k])
            .find((v) => typeof v === 'string') as string | undefined)
        : undefined;
  const arr = Array.isArray(j)
    ? j
    : j && typeof j === 'object'
      ? (['files', 'migrations', 'scripts', 'steps']
          .map((k) => (j as Record<string, unknown>)[k])
          .find(Array.isArray) as unknown[] | undefined)
      : undefined;
  const names = arr?.map(pick).filter((n): n is string => !!n && /\.sql$/i.test(n));
  return names && names.length > 0 ? names : undefined;
}

/** JavaScript/TypeScript migration file names: `<digits>[-_]<name>.js|ts|cjs|mjs|cts|mts`. */
export const SCRIPT_NAME = /^(\d+)(?!\d)[-_.]?(.*?)\.(?:[cm]?[jt]s)$/i;
const SCRIPT_MARKER =
  /\bexports\.(up|down)\b|\bexport\s+(async\s+)?function\s+(up|down)\b|\bexport\s+const\s+(up|down)\b|\brunSql\s*\(|\bknex\b|\$executeRaw|\$queryRaw|\bup\s*[:(]/;

/** The runner a folder of JS/TS migrations is written for, from their contents. */
export function scriptRunner(texts: string[]): 'db-migrate' | 'knex' | 'custom' | undefined {
  const marked = texts.filter((t) => SCRIPT_MARKER.test(t));
  if (marked.length === 0) return undefined;
  if (marked.some((t) => /\bdb\.runSql\s*\(|exports\._meta\b|options\.dbmigrate/.test(t)))
    return 'db-migrate';
  if (marked.some((t) => /\bknex\.(raw|schema)\b|import\(["']knex["']\)|from ['"]knex['"]/.test(t)))
    return 'knex';
  return 'custom';
}

/** db-migrate, knex and custom JS/TS migrations: the SQL in their string literals, per direction. */
export function scripts(ctx: LayoutContext, dir: string): Built {
  const skipped: Built['skipped'] = [];
  const claimed: string[] = [];
  const migrations: Migration[] = [];
  let forwardOnly = true;
  for (const e of ctx.list(dir)) {
    if (e.dir) continue;
    const nm = SCRIPT_NAME.exec(e.name);
    if (!nm || /\.d\.[cm]?ts$|\.(test|spec)\.[cm]?[jt]s$/i.test(e.name)) continue;
    const file = rel(dir, e.name);
    const r = ctx.read(file);
    if ('skip' in r) {
      skipped.push({ file, reason: r.skip });
      continue;
    }
    const m: Migration = {
      version: nm[1] as string,
      name: (nm[2] as string) || (nm[1] as string),
      at: at(file),
    };
    let read: ScriptMigration;
    try {
      read = readScriptMigration(file, r.text);
    } catch (err) {
      skipped.push({ file, reason: `could not parse as JavaScript/TypeScript: ${(err as Error).message}` });
      continue;
    }
    for (const direction of ['up', 'down'] as const) {
      // db-migrate's SQL-file template reads sqls/<name>-<direction>.sql
      const ref = referencedSqlFile(r.text, direction);
      const sqlPath = ref ? posix.normalize(rel(dir, ref)) : undefined;
      if (sqlPath && ctx.exists(sqlPath)) {
        const f = wholeFile(ctx, sqlPath, direction, skipped);
        if (f) m[direction] = f;
        continue;
      }
      const part = read[direction];
      if (!part) continue;
      const f = ctx.sqlFile(file, direction, part.text);
      const pos = new Positions(r.text);
      for (const p of part.problems) {
        const lc = pos.fromU16(p.index);
        f.errors.push({ message: p.message, at: { file, line: lc.line, col: lc.col } });
      }
      if (part.calls === 0)
        f.errors.push({
          message: `no SQL found in the ${read.script ? 'script' : `${direction} function`}: it runs code (an ORM, a client) rollbook cannot read; review it by hand`,
          at: { file, line: 1, col: 1 },
        });
      m[direction] = f;
    }
    if (m.down) forwardOnly = false;
    claimed.push(file);
    migrations.push(m);
  }
  for (const m of migrations)
    for (const f of [m.up, m.down]) if (f && f.file !== m.at.file) claimed.push(f.file);
  return { migrations: byVersion(migrations), skipped, claimed, forwardOnly };
}

/**
 * A service's own runner: `V0001.Name.up.sql` pairs or several files sharing one numeric prefix
 * (ordered by full name), versioned manifest directories, or JS/TS data migrations.
 */
export function custom(ctx: LayoutContext, dir: string): Built {
  const entries = ctx.list(dir);
  if (entries.some((e) => e.dir && ctx.exists(rel(rel(dir, e.name), 'manifest.json'))))
    return manifest(ctx, dir);
  if (entries.some((e) => !e.dir && SCRIPT_NAME.test(e.name))) return scripts(ctx, dir);
  if (entries.some((e) => !e.dir && parseDirectionalName(e.name)))
    return directional(ctx, dir, sharedPrefix(entries.filter((e) => !e.dir).map((e) => e.name)));
  return plain(ctx, dir);
}

export const LAYOUTS: Record<
  Exclude<MigrationTool, 'unknown'>,
  (ctx: LayoutContext, dir: string) => Built
> = {
  'golang-migrate': golangMigrate,
  dbmate,
  goose,
  flyway,
  sqitch,
  prisma,
  diesel,
  liquibase,
  plain,
  'db-migrate': scripts,
  knex: scripts,
  custom,
};
