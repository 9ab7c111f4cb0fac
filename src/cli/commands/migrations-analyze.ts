import { analyzeMigrations, renderMigrationsJson, renderMigrationsText } from '../../analyze-migrations.js';
import { analyzeOutcome, unprovenText } from '../../outcomes.js';
import { findDescriptor, serviceRoot } from '../../readers/root.js';
import { findSqlFiles } from '../../readers/sql-files.js';
import { EXIT, emit, exitCode, type Io, oneOf, parseCommand } from '../io.js';

const USAGE = `Usage: rollbook migrations analyze [dir] [--format text|json] [--out FILE]

Rollback hazards of every migration statement: can the previous app version run on the new
schema, and can the change be reverted without losing data? Reads rollbook.yaml
state.migrations when present, otherwise detects the migration layouts in the repository.
Exit code 1 when any error-severity finding or parse error, 2 on bad input.`;

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, { format: { type: 'string' }, out: { type: 'string' } }, USAGE, io);
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const format = oneOf(values.format as string | undefined, ['text', 'json'] as const, '--format', 'text');
  const root = serviceRoot(positionals[0], io.cwd);
  const specs = await migrationSpecs(root);
  const report = await analyzeMigrations(root, specs);
  const result = analyzeOutcome(report, findSqlFiles(root));
  const text =
    format === 'json'
      ? renderMigrationsJson({ ...report, ...result })
      : renderMigrationsText(report) + unprovenText(result.couldNotProve);
  emit(io, text, values.out as string | undefined);
  return exitCode(result.outcome);
}

/**
 * `state.migrations` from rollbook.yaml. The descriptor reader (yaml, zod) is imported only when
 * a descriptor is present: loading it costs ~150 ms, a tenth of a whole analysis.
 */
async function migrationSpecs(root: string) {
  const present = findDescriptor(root) !== undefined;
  if (!present) return [];
  const { descriptorMigrationSpecs } = await import('../../readers/descriptor.js');
  return descriptorMigrationSpecs(root);
}
