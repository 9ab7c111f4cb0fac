import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { RollbookError } from '../../errors.js';
import type { MigrationSet } from '../../model/service.js';
import { descriptorMigrationSpecs } from '../../readers/descriptor.js';
import { listTree, materialize, resolveRef } from '../../readers/git.js';
import { loadMigrationSets } from '../../readers/migrations/index.js';
import { serviceRoot } from '../../readers/root.js';
import { evaluateGates } from '../../schema/gates.js';
import { gatesJson, gatesText } from '../../schema/report.js';
import { splitSql } from '../../schema/sql-split.js';
import { EXIT, emit, type Io, oneOf, parseCommand } from '../io.js';

const USAGE = `Usage: rollbook gates [dir] --from REF --to REF [--queries FILE] [--database-url URL]
                      [--replay-url URL] [--format text|json] [--out FILE]

Can the target version (--to, older) run on the current state (--from, deployed)? From git
(read only: rev-parse, ls-tree, cat-file) rollbook takes each version's migrations, builds both
schemas by replaying them (embedded PGlite by default) and checks that every table, column,
type and enum value the target had is still there compatibly, and that no new NOT NULL column
without a default breaks the target's INSERTs. Exit code 1 when a blocking gate fails.

--queries FILE       SQL the target version runs (e.g. exported from pg_stat_statements, $1
                     parameters): each statement is PREPAREd against the current schema, and
                     writes are executed with typed dummy parameters inside BEGIN … ROLLBACK.
--database-url URL   the live database: its migration history table is read to find an
                     in-flight, failed or dirty migration. The session is READ ONLY
                     (default_transaction_read_only=on); rollbook never writes there.
--replay-url URL     replay the schemas on this scratch server instead of PGlite: rollbook
                     CREATEs a throw-away database rollbook_tmp_<random> there and DROPs it.`;

const SQLISH = /(\.sql|^sqitch\.plan|^sqitch\.conf|^migration_lock\.toml)$/;

/** The migration sets of one commit: its files copied to a temp dir, then read as usual. */
async function setsAt(root: string, commit: string, paths: string[], tmp: string): Promise<MigrationSet[]> {
  const wanted = paths.filter((p) => p !== '.');
  const descriptors = ['rollbook.yaml', 'rollbook.yml'];
  if (wanted.length > 0) await materialize(root, commit, [...wanted, ...descriptors], tmp);
  if (paths.includes('.')) {
    // a set at the repository root: copy only migration-like files
    const files = (await listTree(root, commit, [])).map((e) => e.path);
    const pick = files.filter((f) => SQLISH.test(f.split('/').at(-1) ?? '') || descriptors.includes(f));
    if (pick.length > 0) await materialize(root, commit, pick, tmp);
  }
  let specs = descriptorMigrationSpecs(tmp);
  // a spec whose path does not exist at this commit: that version had no migrations there
  specs = specs.filter((s) => s.path === undefined || existsSync(join(tmp, s.path)));
  if (specs.length === 0 && descriptorMigrationSpecs(root).some((s) => s.path !== undefined)) return [];
  return loadMigrationSets(tmp, specs);
}

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    args,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      queries: { type: 'string' },
      'database-url': { type: 'string' },
      'replay-url': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
    USAGE,
    io,
  );
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const from = values.from as string | undefined;
  const to = values.to as string | undefined;
  if (!from || !to)
    throw new RollbookError('USAGE', 'gates needs --from REF (current) and --to REF (target)', USAGE);
  const format = oneOf(values.format as string | undefined, ['text', 'json'] as const, '--format', 'text');
  const dir = positionals[0];
  const root = serviceRoot(dir, io.cwd);

  const [fromSha, toSha] = [await resolveRef(root, from), await resolveRef(root, to)];

  let queries: Awaited<ReturnType<typeof splitSql>> | undefined;
  const qfile = values.queries as string | undefined;
  if (qfile) {
    const abs = resolve(io.cwd, qfile);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      throw new RollbookError(
        'NOT_FOUND',
        `--queries ${qfile}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      );
    }
    // evidence paths are relative to the service root (even when the file lives outside it)
    queries = await splitSql(relative(root, abs).split(sep).join('/'), text);
  }

  // where the migrations live: what rollbook.yaml names, or what discovery finds in the work tree
  const current = await loadMigrationSets(root, descriptorMigrationSpecs(root));
  const paths = [...new Set(current.map((s) => s.path))].sort();
  const tmp = mkdtempSync(join(tmpdir(), 'rollbook-gates-'));
  try {
    const fromDir = mkdtempSync(join(tmp, 'from-'));
    const toDir = mkdtempSync(join(tmp, 'to-'));
    const [currentSets, targetSets] = [
      await setsAt(root, fromSha, paths, fromDir),
      await setsAt(root, toSha, paths, toDir),
    ];
    const live = values['database-url'] as string | undefined;
    const replay = values['replay-url'] as string | undefined;
    const report = await evaluateGates({
      from,
      to,
      ...(dir ? { dir } : {}),
      current: currentSets,
      target: targetSets,
      ...(queries ? { queries } : {}),
      ...(live ? { liveUrl: live } : {}),
      ...(replay ? { replayUrl: replay } : {}),
    });
    emit(io, format === 'json' ? gatesJson(report) : gatesText(report), values.out as string | undefined);
    return report.gates.some((g) => g.blocking && g.status === 'fail') ? EXIT.blocking : EXIT.ok;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
