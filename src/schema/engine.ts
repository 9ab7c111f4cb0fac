/**
 * One interface over the two Postgres engines rollbook replays migrations in:
 * - PGlite (embedded Postgres 18 in WASM; the default): started from a cached fresh-database
 *   snapshot instead of running initdb each time;
 * - a scratch server named with `--scratch-url`: rollbook creates a throw-away database
 *   (rollbook_tmp_<random>), replays into it and drops it. That is the only write rollbook makes.
 *
 * Statements are run one by one (CREATE INDEX CONCURRENTLY cannot run inside a transaction).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RollbookError } from '../errors.js';
import { cmp } from '../util/order.js';
import { cacheDir } from './cache.js';

export type EngineKind = 'pglite' | 'postgres';

export interface EngineInfo {
  kind: EngineKind;
  /** Server version as reported, e.g. "18.6" or "15.18". */
  version: string;
  /** Major version, e.g. 18. */
  major: number;
  /** What answered, for every report: "PGlite (PostgreSQL 18.6)" or "PostgreSQL 15.18". */
  label: string;
}

/** An error Postgres reported for a statement. */
export interface SqlFailure {
  /** SQLSTATE, e.g. 42703. */
  code: string;
  message: string;
  /** 1-based character position in the statement, when Postgres reported one. */
  position?: number;
  detail?: string;
}

export type Row = Record<string, unknown>;

export interface Engine {
  readonly info: EngineInfo;
  /** Run one statement (simple protocol, no parameters). Throws EngineSqlError. */
  exec(sql: string): Promise<void>;
  /** Run one query with optional parameters and return its rows. Throws EngineSqlError. */
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Always call: stops PGlite / drops the temporary database. */
  close(): Promise<void>;
}

export class EngineSqlError extends Error {
  readonly failure: SqlFailure;
  constructor(failure: SqlFailure) {
    super(`${failure.message} (SQLSTATE ${failure.code})`);
    this.name = 'EngineSqlError';
    this.failure = failure;
  }
}

export function sqlFailureOf(e: unknown): SqlFailure | undefined {
  if (e instanceof EngineSqlError) return e.failure;
  return undefined;
}

function toSqlError(e: unknown): unknown {
  const err = e as { code?: unknown; message?: unknown; position?: unknown; detail?: unknown };
  if (err && typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) {
    const failure: SqlFailure = { code: err.code, message: String(err.message ?? '') };
    const pos = Number(err.position);
    if (Number.isFinite(pos) && pos > 0) failure.position = pos;
    if (typeof err.detail === 'string' && err.detail) failure.detail = err.detail;
    return new EngineSqlError(failure);
  }
  return e;
}

/**
 * Contrib extensions bundled with PGlite 0.5, by the name CREATE EXTENSION uses → export name
 * of `@electric-sql/pglite/contrib/<module>`. plpgsql is built in.
 */
export const PGLITE_EXTENSIONS: Record<string, string> = {
  amcheck: 'amcheck',
  auto_explain: 'auto_explain',
  bloom: 'bloom',
  btree_gin: 'btree_gin',
  btree_gist: 'btree_gist',
  citext: 'citext',
  cube: 'cube',
  dict_int: 'dict_int',
  dict_xsyn: 'dict_xsyn',
  earthdistance: 'earthdistance',
  file_fdw: 'file_fdw',
  fuzzystrmatch: 'fuzzystrmatch',
  hstore: 'hstore',
  intarray: 'intarray',
  isn: 'isn',
  lo: 'lo',
  ltree: 'ltree',
  moddatetime: 'moddatetime',
  pageinspect: 'pageinspect',
  pg_buffercache: 'pg_buffercache',
  pg_freespacemap: 'pg_freespacemap',
  pg_stat_statements: 'pg_stat_statements',
  pg_surgery: 'pg_surgery',
  pg_trgm: 'pg_trgm',
  pg_visibility: 'pg_visibility',
  pg_walinspect: 'pg_walinspect',
  pgcrypto: 'pgcrypto',
  seg: 'seg',
  tablefunc: 'tablefunc',
  tcn: 'tcn',
  tsm_system_rows: 'tsm_system_rows',
  tsm_system_time: 'tsm_system_time',
  unaccent: 'unaccent',
  'uuid-ossp': 'uuid_ossp',
};

/** Extensions known not to be bundled with PGlite (replay them with --scratch-url). */
export const PGLITE_UNSUPPORTED_EXTENSIONS = ['postgis', 'postgis_topology', 'timescaledb', 'vector'];

export interface OpenOptions {
  /** A scratch server to create a throw-away database on (--scratch-url). Absent: embedded PGlite. */
  scratchUrl?: string;
  /** Extensions the migrations create (CREATE EXTENSION names); PGlite loads the bundled ones. */
  extensions?: string[];
}

export async function openEngine(options: OpenOptions = {}): Promise<Engine> {
  if (options.scratchUrl) return openServer(options.scratchUrl);
  return openPglite(options.extensions ?? []);
}

// ---------------------------------------------------------------- PGlite

const require = createRequire(import.meta.url);

let pgliteVersionCache: string | undefined;
export function pgliteVersion(): string {
  pgliteVersionCache ??= (
    JSON.parse(
      readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8'),
    ) as { version: string }
  ).version;
  return pgliteVersionCache;
}

/** Path of the cached fresh-database snapshot (created on first use). */
export function snapshotPath(): string {
  return join(cacheDir(), `pglite-${pgliteVersion()}-fresh.tar`);
}

type PGliteModule = typeof import('@electric-sql/pglite');
type PGliteInstance = InstanceType<PGliteModule['PGlite']>;

let pgliteModule: Promise<PGliteModule> | undefined;
function loadPglite(): Promise<PGliteModule> {
  pgliteModule ??= import('@electric-sql/pglite');
  return pgliteModule;
}

let snapshotPromise: Promise<Uint8Array> | undefined;

/** The fresh-database data dir: read from the cache, or made once with initdb and saved. */
async function freshSnapshot(): Promise<Uint8Array> {
  snapshotPromise ??= (async () => {
    const path = snapshotPath();
    try {
      return new Uint8Array(readFileSync(path));
    } catch {
      /* not cached yet */
    }
    const { PGlite } = await loadPglite();
    const db = await PGlite.create();
    let bytes: Uint8Array;
    try {
      const blob = await db.dumpDataDir('none');
      bytes = new Uint8Array(await blob.arrayBuffer());
    } finally {
      await db.close();
    }
    try {
      mkdirSync(join(path, '..'), { recursive: true });
      const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, path);
    } catch {
      /* a read-only cache only costs the next run an initdb */
    }
    return bytes;
  })();
  return snapshotPromise;
}

async function extensionModules(names: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const name of [...new Set(names)].sort(cmp)) {
    const mod = PGLITE_EXTENSIONS[name];
    if (!mod) continue;
    const imported = (await import(`@electric-sql/pglite/contrib/${mod}`)) as Record<string, unknown>;
    if (imported[mod]) out[mod] = imported[mod];
  }
  return out;
}

async function openPglite(extensions: string[]): Promise<Engine> {
  const [{ PGlite }, snapshot, exts] = await Promise.all([
    loadPglite(),
    freshSnapshot(),
    extensionModules(extensions),
  ]);
  const db: PGliteInstance = await PGlite.create({
    loadDataDir: new Blob([snapshot as Uint8Array<ArrayBuffer>]),
    extensions: exts as never,
  });
  const version = await serverVersion((sql) => db.query<Row>(sql).then((r) => r.rows));
  const info: EngineInfo = { kind: 'pglite', ...version, label: `PGlite (PostgreSQL ${version.version})` };
  let closed = false;
  return {
    info,
    async exec(sql) {
      try {
        await db.exec(sql);
      } catch (e) {
        throw toSqlError(e);
      }
    },
    async query<T extends Row>(sql: string, params?: unknown[]) {
      try {
        return (await db.query<T>(sql, params)).rows;
      } catch (e) {
        throw toSqlError(e);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}

async function serverVersion(
  query: (sql: string) => Promise<Row[]>,
): Promise<{ version: string; major: number }> {
  const rows = await query(
    "select current_setting('server_version') as v, current_setting('server_version_num') as n",
  );
  const v = String(rows[0]?.v ?? '').split(' ')[0] ?? '';
  const n = Number(rows[0]?.n ?? 0);
  return { version: v, major: Math.floor(n / 10000) };
}

// ---------------------------------------------------------------- real server

type PgModule = typeof import('pg');

async function loadPg(): Promise<PgModule['default']> {
  const mod = (await import('pg')) as unknown as { default: PgModule['default'] };
  return mod.default;
}

/** The URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable database URL>';
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** The flag a URL came from, for messages: the scratch server or the read-only live database. */
type UrlFlag = '--scratch-url' | '--database-url';

async function connect(
  url: string,
  flag: UrlFlag,
  options?: string,
): Promise<InstanceType<PgModule['default']['Client']>> {
  const pg = await loadPg();
  let client: InstanceType<PgModule['default']['Client']>;
  try {
    client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 10_000,
      ...(options ? { options } : {}),
    });
  } catch (e) {
    throw new RollbookError('DATABASE', `invalid ${flag} ${redactUrl(url)}: ${(e as Error).message}`);
  }
  client.on('error', () => {
    /* reported by the next query */
  });
  try {
    await client.connect();
  } catch (e) {
    throw new RollbookError(
      'DATABASE',
      `cannot connect to ${redactUrl(url)}: ${(e as Error).message}`,
      `Check the ${flag} (postgres://user@host:port/db) and that the server accepts connections.`,
    );
  }
  return client;
}

async function openServer(url: string): Promise<Engine> {
  try {
    new URL(url);
  } catch {
    throw new RollbookError('USAGE', `--scratch-url is not a URL: ${redactUrl(url)}`);
  }
  const admin = await connect(url, '--scratch-url');
  const name = `rollbook_tmp_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (e) {
    await admin.end().catch(() => undefined);
    throw new RollbookError(
      'DATABASE',
      `cannot create the scratch database ${name} on ${redactUrl(url)}: ${(e as Error).message}`,
      'migrations verify and gates replay into a throw-away database: the role needs CREATEDB.',
    );
  }
  const dropScratch = async () => {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } catch {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
    } finally {
      await admin.end().catch(() => undefined);
    }
  };
  let client: Awaited<ReturnType<typeof connect>>;
  try {
    client = await connect(withDatabase(url, name), '--scratch-url');
  } catch (e) {
    await dropScratch();
    throw e;
  }
  const version = await serverVersion((sql) => client.query(sql).then((r) => r.rows as Row[]));
  const info: EngineInfo = { kind: 'postgres', ...version, label: `PostgreSQL ${version.version}` };
  let closed = false;
  return {
    info,
    async exec(sql) {
      try {
        await client.query(sql);
      } catch (e) {
        throw toSqlError(e);
      }
    },
    async query<T extends Row>(sql: string, params?: unknown[]) {
      try {
        return (await client.query(sql, params as unknown[])).rows as T[];
      } catch (e) {
        throw toSqlError(e);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => undefined);
      await dropScratch();
    },
  };
}

// ---------------------------------------------------------------- live, read-only sessions

export interface ReadOnlySession {
  readonly info: EngineInfo;
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * A read-only session on a live database: `default_transaction_read_only=on` in the connection
 * options and `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`. Any write is refused by
 * the server (SQLSTATE 25006).
 */
export async function openReadOnly(url: string): Promise<ReadOnlySession> {
  try {
    new URL(url);
  } catch {
    throw new RollbookError('USAGE', `--database-url is not a URL: ${redactUrl(url)}`);
  }
  const client = await connect(url, '--database-url', '-c default_transaction_read_only=on');
  try {
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new RollbookError('DATABASE', `cannot make the session read-only: ${(e as Error).message}`);
  }
  const version = await serverVersion((sql) => client.query(sql).then((r) => r.rows as Row[]));
  let closed = false;
  return {
    info: { kind: 'postgres', ...version, label: `PostgreSQL ${version.version}` },
    async query<T extends Row>(sql: string, params?: unknown[]) {
      try {
        return (await client.query(sql, params as unknown[])).rows as T[];
      } catch (e) {
        throw toSqlError(e);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => undefined);
    },
  };
}
