import type { Migration, MigrationSet, MigrationTool, Service } from '../../src/model/service.js';
import { sqlFile } from '../../src/readers/migrations/layouts.js';
import { neutralise } from '../../src/readers/migrations/preprocess.js';
import { service } from '../helpers/rules.js';

export interface InlineMigration {
  version: string;
  up: string;
  down?: string;
  name?: string;
}

/**
 * A service whose one migration set is built from inline SQL through the real reader path
 * (neutralise → libpg-query → located statements). Files are named like golang-migrate's.
 * Call `await loadParser()` first (beforeAll).
 */
export function migrationService(
  migrations: InlineMigration[] | string,
  opts: { tool?: MigrationTool; dir?: string } = {},
): Service {
  const list = typeof migrations === 'string' ? [{ version: '0001', up: migrations }] : migrations;
  const dir = opts.dir ?? 'db/migrations';
  const set: MigrationSet = {
    tool: opts.tool ?? 'golang-migrate',
    path: dir,
    database: 'postgres',
    migrations: list.map((m): Migration => {
      const name = m.name ?? 'change';
      const upPath = `${dir}/${m.version}_${name}.up.sql`;
      const n = neutralise(m.up);
      const mig: Migration = {
        version: m.version,
        name,
        up: sqlFile(upPath, 'up', n.text, n.notes),
        at: { file: upPath, line: 1 },
      };
      if (m.down !== undefined) {
        const d = neutralise(m.down);
        mig.down = sqlFile(`${dir}/${m.version}_${name}.down.sql`, 'down', d.text, d.notes);
      }
      return mig;
    }),
    skipped: [],
  };
  return service({ migrations: [set] });
}
