import type { Evidence, MigrationTool } from '../../model/service.js';
import { readHead } from './text.js';
import type { RepoFile } from './walk.js';

export interface MigrationDir {
  tool: MigrationTool;
  path: string;
  at?: Evidence;
}

function dirOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

/**
 * Where migrations live and which tool wrote them, from file names and (for dbmate, goose and
 * Liquibase formatted SQL) the first bytes of .sql files. The migrations reader parses them.
 */
export async function findMigrationDirs(files: RepoFile[]): Promise<MigrationDir[]> {
  const found = new Map<string, MigrationDir>();
  const add = (tool: MigrationTool, path: string, file: string) => {
    const key = path;
    if (!found.has(key)) found.set(key, { tool, path: path || '.', at: { file, line: 1 } });
  };
  const sqlByDir = new Map<string, RepoFile[]>();
  for (const f of files) {
    const name = f.rel.slice(f.rel.lastIndexOf('/') + 1);
    const dir = dirOf(f.rel);
    if (name === 'sqitch.plan') add('sqitch', dir, f.rel);
    else if (name === 'migration_lock.toml' && /(^|\/)migrations$/.test(dir)) add('prisma', dir, f.rel);
    else if (!name.endsWith('.sql')) continue;
    else if (/^\d+[_-].+\.(up|down)\.sql$/.test(name)) add('golang-migrate', dir, f.rel);
    else if (/^[VUR]\d+(?:[._]\d+)*__.+\.sql$/.test(name) || /^R__.+\.sql$/.test(name))
      add('flyway', dir, f.rel);
    else if (name === 'migration.sql' && /(^|\/)migrations\/[^/]+$/.test(dir))
      add('prisma', dirOf(dir), f.rel);
    else if (
      (name === 'up.sql' || name === 'down.sql') &&
      /\/\d{4}-?\d{2}-?\d{2}[-_]?\d*_[^/]+$|\/\d{14}_[^/]+$|\/0{2,}_[^/]+$/.test(`/${dir}`)
    )
      add('diesel', dirOf(dir), f.rel);
    else {
      const list = sqlByDir.get(dir) ?? [];
      list.push(f);
      sqlByDir.set(dir, list);
    }
  }
  const inside = (d: string) => [...found.keys()].some((k) => d === k || d.startsWith(`${k}/`));
  for (const [dir, list] of [...sqlByDir].sort(([a], [b]) => a.localeCompare(b))) {
    if (inside(dir)) continue;
    if (/(^|\/)(deploy|revert|verify)$/.test(dir) && found.has(dirOf(dir))) continue;
    let tool: MigrationTool | undefined;
    let first: string | undefined;
    for (const f of list.slice(0, 20)) {
      const head = await readHead(f, 2048);
      if (/--\s*migrate:up/.test(head)) tool = 'dbmate';
      else if (/--\s*\+goose\s+(Up|StatementBegin)/i.test(head)) tool = 'goose';
      else if (/--\s*liquibase formatted sql/i.test(head)) tool = 'liquibase';
      if (tool) {
        first = f.rel;
        break;
      }
    }
    if (!tool && /(^|\/)(migrations?|migrate|db\/migrate)$/.test(dir)) {
      tool = 'plain';
      first = list[0]?.rel;
    }
    if (tool && first) add(tool, dir, first);
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}
