import { RollbookError } from '../../errors.js';
import { migrationStatus, migrationStatusJson, migrationStatusText } from '../../schema/status.js';
import { EXIT, emit, type Io, oneOf, parseCommand } from '../io.js';

const USAGE = `Usage: rollbook migrations status --database-url URL [--format text|json] [--out FILE]

The live migration history, read-only: the applied version of each migration tool's history
table, and any migration that is dirty, failed or still running (plus DDL running now). It reads
nothing else: no migration files, no schema comparison. Exit 0 when a history table was found and
nothing is dirty, failed or running; 1 when something is, or when no history table was found.

--database-url URL   the database (READ ONLY session). Without it, $DATABASE_URL is used. A URL
                     without a password takes it from $PGPASSWORD, so it need not be on the
                     command line.`;

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    args,
    { 'database-url': { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    USAGE,
    io,
  );
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  if (positionals.length > 0)
    throw new RollbookError('USAGE', `migrations status takes no directory (got "${positionals[0]}")`, USAGE);
  const format = oneOf(values.format as string | undefined, ['text', 'json'] as const, '--format', 'text');
  const url = (values['database-url'] as string | undefined) ?? process.env.DATABASE_URL;
  if (!url)
    throw new RollbookError('USAGE', 'migrations status needs --database-url (or $DATABASE_URL)', USAGE);
  const report = await migrationStatus({ databaseUrl: url });
  const text = format === 'json' ? migrationStatusJson(report) : migrationStatusText(report);
  emit(io, text, values.out as string | undefined);
  return report.outcome === 'pass' ? EXIT.ok : EXIT.blocking;
}
