import { lstatSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  analyzeMigrations,
  isBlocking,
  renderMigrationsJson,
  renderMigrationsText,
} from '../../analyze-migrations.js';
import { RollbookError } from '../../errors.js';
import { EXIT, emit, type Io, oneOf, parse } from '../io.js';

const USAGE = `Usage: rollbook migrations analyze [dir] [--format text|json] [--out FILE]

Rollback hazards of every migration statement: can the previous app version run on the new
schema, and can the change be reverted without losing data? Reads rollbook.yaml
state.migrations when present, otherwise detects the migration layouts in the repository.
Exit code 1 when any error-severity finding or parse error, 2 on bad input.`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    { format: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    USAGE,
  );
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new RollbookError('USAGE', 'expected at most one directory', USAGE);
  const format = oneOf(values.format as string | undefined, ['text', 'json'] as const, '--format', 'text');
  const root = resolve(io.cwd, positionals[0] ?? '.');
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new RollbookError('NOT_FOUND', `${positionals[0] ?? '.'}: no such directory`);
  }
  if (!isDir) throw new RollbookError('NOT_A_DIRECTORY', `${positionals[0]}: not a directory`);
  const specs = await migrationSpecs(root);
  const report = await analyzeMigrations(root, specs);
  const text = format === 'json' ? renderMigrationsJson(report) : renderMigrationsText(report);
  emit(io, text, values.out as string | undefined);
  return isBlocking(report) ? EXIT.blocking : EXIT.ok;
}

// The names readers/descriptor.ts DESCRIPTOR_NAMES lists (test/migrations/cli-startup.test.ts checks it).
export const DESCRIPTOR_FILES: readonly string[] = ['rollbook.yaml', 'rollbook.yml'];

/**
 * `state.migrations` from rollbook.yaml. The descriptor reader (yaml, zod) is imported only when
 * a descriptor is present: loading it costs ~150 ms, a tenth of a whole analysis.
 */
async function migrationSpecs(root: string) {
  const present = DESCRIPTOR_FILES.some((n) => {
    try {
      lstatSync(join(root, n));
      return true; // even a dangling link: the reader then says what is wrong
    } catch {
      return false;
    }
  });
  if (!present) return [];
  const { descriptorMigrationSpecs } = await import('../../readers/descriptor.js');
  return descriptorMigrationSpecs(root);
}
