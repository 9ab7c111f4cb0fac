/**
 * The migration tool's own bookkeeping table, created in a replay before the first up, as the
 * tool creates it before it runs anything: a migration that reads or alters it
 * (`ALTER TABLE schema_migrations …`, `INSERT INTO __diesel_schema_migrations …`) replays as it
 * runs in reality. Shapes follow each tool's own DDL; only the columns matter.
 */
import type { MigrationTool } from '../model/service.js';

const DDL: Partial<Record<MigrationTool, (table: string) => string[]>> = {
  'golang-migrate': (t) => [
    `create table if not exists ${t} (version bigint not null primary key, dirty boolean not null)`,
  ],
  dbmate: (t) => [`create table if not exists ${t} (version varchar(128) primary key)`],
  goose: (t) => [
    `create table if not exists ${t} (id serial primary key, version_id bigint not null, is_applied boolean not null, tstamp timestamp default now())`,
  ],
  flyway: (t) => [
    `create table if not exists ${t} (installed_rank integer not null primary key, version varchar(50), description varchar(200) not null, type varchar(20) not null, script varchar(1000) not null, checksum integer, installed_by varchar(100) not null, installed_on timestamp not null default now(), execution_time integer not null, success boolean not null)`,
  ],
  prisma: (t) => [
    `create table if not exists ${t} (id varchar(36) primary key, checksum varchar(64) not null, finished_at timestamptz, migration_name varchar(255) not null, logs text, rolled_back_at timestamptz, started_at timestamptz not null default now(), applied_steps_count integer not null default 0)`,
  ],
  diesel: (t) => [
    `create table if not exists ${t} (version varchar(50) primary key not null, run_on timestamp not null default current_timestamp)`,
  ],
  liquibase: (t) => [
    `create table if not exists ${t} (id varchar(255) not null, author varchar(255) not null, filename varchar(255) not null, dateexecuted timestamp not null, orderexecuted integer not null, exectype varchar(10) not null, md5sum varchar(35), description varchar(255), comments varchar(255), tag varchar(255), liquibase varchar(20), contexts varchar(255), labels varchar(255), deployment_id varchar(10))`,
    `create table if not exists ${t}lock (id integer primary key, locked boolean not null, lockgranted timestamp, lockedby varchar(255))`,
  ],
  sqitch: () => [
    'create schema if not exists sqitch',
    "create table if not exists sqitch.changes (change_id text primary key, script_hash text, change text not null, project text not null, note text not null default '', committed_at timestamptz not null default clock_timestamp(), committer_name text not null, committer_email text not null, planned_at timestamptz not null, planner_name text not null, planner_email text not null)",
  ],
};

/** The tool's default table name. */
export const BOOKKEEPING_TABLE: Partial<Record<MigrationTool, string>> = {
  'golang-migrate': 'schema_migrations',
  dbmate: 'schema_migrations',
  goose: 'goose_db_version',
  flyway: 'flyway_schema_history',
  prisma: '_prisma_migrations',
  diesel: '__diesel_schema_migrations',
  liquibase: 'databasechangelog',
  sqitch: 'sqitch.changes',
};

/** The statements that create the tool's table (`table`: a custom name the service configures). */
export function bookkeepingDdl(tool: MigrationTool, table?: string): string[] {
  const make = DDL[tool];
  const name = table ?? BOOKKEEPING_TABLE[tool];
  if (!make || !name) return [];
  const quoted = name
    .split('.')
    .map((p) => (/^[a-z_][a-z0-9_$]*$/.test(p) ? p : `"${p.replace(/"/g, '""')}"`))
    .join('.');
  return make(quoted);
}
