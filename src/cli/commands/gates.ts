import { RollbookError } from '../../errors.js';
import { gates } from '../../gates.js';
import { gatesJson, gatesText } from '../../schema/report.js';
import { EXIT, emit, exitCode, type Io, oneOf, parseCommand } from '../io.js';

const USAGE = `Usage: rollbook gates [dir] [--from REF] [--to REF] [--workload NAME] [--migrations PATH]...
                      [--queries FILE] [--database-url URL] [--scratch-url URL] [--format text|json]
                      [--out FILE]

Can the target version (--to, older) run on the current state (--from, deployed)? From git
(read only: rev-parse, ls-tree, cat-file) rollbook takes each version's migrations, builds both
schemas by replaying them (embedded PGlite by default) and checks that every table, column,
type and enum value the target had is still there compatibly, and that no new NOT NULL column
without a default breaks the target's INSERTs.

--from REF           the version running now (default: HEAD)
--to REF             the target (default: the newest release tag reachable from --from other
                     than itself; release.tags in rollbook.yaml). --from older than --to is an error.
--workload NAME      the workload whose migration sets are checked: kind/name,
                     namespace/kind/name, or a manifest, overlay or chart path (as plan takes it).
                     Needed when the repository holds several workloads and rollbook.yaml names
                     none (deploy.workload). A set bound to no workload is not checked: exit 1.
--migrations PATH    a migration folder to read at both refs (repeatable). Default: where the
                     working tree's rollbook.yaml (state.migrations) names them, else the sets
                     discovery binds to the workload (never each ref's own rollbook.yaml: an old
                     release may predate it).
--queries FILE       SQL the target version runs (e.g. exported from pg_stat_statements, $1
                     parameters): each statement is PREPAREd against the current schema, and
                     writes are executed with typed dummy parameters inside BEGIN … ROLLBACK.
--database-url URL   the live database: its migration history table is read to find an
                     in-flight, failed or dirty migration, and its version is compared with
                     --from's newest migration. The session is READ ONLY; rollbook never writes there.
--scratch-url URL    replay the schemas on this scratch server instead of PGlite: rollbook
                     CREATEs a throw-away database rollbook_tmp_<random> there and DROPs it.

Exit 0: every blocking gate passed. 1: a blocking gate failed, or could not be proven (an empty
or unbuildable side is UNKNOWN, never PASS: "could not prove: …" says what would prove it).
2: usage or input error (unknown ref, swapped refs, no target).`;

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    args,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      workload: { type: 'string', short: 'w' },
      migrations: { type: 'string', multiple: true },
      queries: { type: 'string' },
      'database-url': { type: 'string' },
      'scratch-url': { type: 'string' },
      'replay-url': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
    USAGE,
    io,
  );
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  if (values['replay-url'] !== undefined)
    throw new RollbookError(
      'USAGE',
      '--replay-url is now --scratch-url (the scratch server for the replays)',
      USAGE,
    );
  const format = oneOf(values.format as string | undefined, ['text', 'json'] as const, '--format', 'text');
  const str = (k: string) => values[k] as string | undefined;
  const migrations = values.migrations as string[] | undefined;
  const report = await gates({
    cwd: io.cwd,
    ...(positionals[0] ? { dir: positionals[0] } : {}),
    ...(str('from') !== undefined ? { from: str('from') } : {}),
    ...(str('to') !== undefined ? { to: str('to') } : {}),
    ...(str('workload') !== undefined ? { workload: str('workload') } : {}),
    ...(migrations?.length ? { migrations } : {}),
    ...(str('queries') ? { queries: str('queries') } : {}),
    ...(str('database-url') ? { databaseUrl: str('database-url') } : {}),
    ...(str('scratch-url') ? { scratchUrl: str('scratch-url') } : {}),
  });
  emit(io, format === 'json' ? gatesJson(report) : gatesText(report), str('out'));
  return exitCode(report.outcome);
}
