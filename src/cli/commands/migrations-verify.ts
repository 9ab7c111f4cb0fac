import { unprovenText, verifyOutcome } from '../../outcomes.js';
import { serviceRoot } from '../../readers/root.js';
import { findSqlFiles } from '../../readers/sql-files.js';
import { verifyJson, verifyText } from '../../schema/report.js';
import { verify } from '../../verify-release.js';
import { EXIT, emit, exitCode, type Io, oneOf, parseCommand, refuseLiveUrl } from '../io.js';

const USAGE = `Usage: rollbook migrations verify [dir] [--from REF --to REF] [--workload NAME] [--scratch-url URL]
                                  [--format text|json] [--out FILE]

Up/down round-trip of every migration in real Postgres: create the tool's bookkeeping table,
apply the up, seed a row into every empty table the down reaches (committed in a transaction of
its own), apply the down in its own transaction (rolled back afterwards, seeded rows removed),
and report downs that do not restore the schema, downs that lose data, and downs that fail only
on tables holding rows. Every verdict names the engine and version that answered. Exit code 1 on
any failure.

By default the migrations replay in embedded PostgreSQL (PGlite, PostgreSQL 18); a fresh
database snapshot is cached under $XDG_CACHE_HOME/rollbook (or ~/.cache/rollbook,
$ROLLBOOK_CACHE_DIR overrides), with verdicts cached by content hash of the files
(ROLLBOOK_CACHE=off disables).

--from REF, --to REF only the migrations one rollback crosses (added between --to and --from,
                     read from git): every older up is replayed to build the schema, and only
                     the crossed downs are checked (default --from HEAD, --to the newest release
                     tag reachable from it). This is the data step's check.

--workload NAME      verify only the migration sets bound to this workload: kind/name,
                     namespace/kind/name, or a manifest, overlay or chart path (as plan and gates
                     take it). A set bound to no workload is not verified: exit 1, and the report
                     says what would bind it. Sets declared in rollbook.yaml (state.migrations) are
                     the workload's.

--scratch-url URL    replay on this scratch server instead. rollbook CREATEs a throw-away
                     database rollbook_tmp_<random> there, replays into it and DROPs it: the only
                     write rollbook ever makes. Name a scratch server for that purpose, never
                     production. (--database-url is only ever the read-only live database.)`;

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    args,
    {
      'scratch-url': { type: 'string' },
      'database-url': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      workload: { type: 'string', short: 'w' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
    USAGE,
    io,
  );
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  refuseLiveUrl(values['database-url'], USAGE);
  const format = oneOf(values.format as string | undefined, ['text', 'json'] as const, '--format', 'text');
  const root = serviceRoot(positionals[0], io.cwd);
  const str = (k: string) => values[k] as string | undefined;
  const report = await verify({
    cwd: io.cwd,
    ...(positionals[0] ? { dir: positionals[0] } : {}),
    ...(str('from') !== undefined ? { from: str('from') } : {}),
    ...(str('to') !== undefined ? { to: str('to') } : {}),
    ...(str('workload') !== undefined ? { workload: str('workload') } : {}),
    ...(str('scratch-url') ? { scratchUrl: str('scratch-url') } : {}),
  });
  const result = verifyOutcome(report, findSqlFiles(root));
  emit(
    io,
    format === 'json'
      ? verifyJson({ ...report, ...result })
      : verifyText(report, result.outcome) + unprovenText(result.couldNotProve),
    values.out as string | undefined,
  );
  return exitCode(result.outcome);
}
