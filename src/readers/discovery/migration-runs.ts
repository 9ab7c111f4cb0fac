/**
 * How a service applies its schema migrations, read from the files that run them: Go code calling
 * golang-migrate or goose at startup, entrypoint/start scripts, Dockerfiles, Procfiles, package.json
 * start scripts, Kubernetes init containers and Argo CD hook Jobs, compose services, and the tool's
 * own history table where the service configures it. Every fact carries its file:line.
 */
import { posix } from 'node:path';
import type { Evidence, MigrationRun, MigrationRunMode, Setting } from '../../model/service.js';

/** Commands that apply migrations, and the tool each belongs to. */
const COMMANDS: [RegExp, string][] = [
  [/\bmigrate\b[^\n]*?\s(-path|-source|--path|--source)\b[^\n]*\s(up|goto)\b/, 'golang-migrate'],
  // golang-migrate's CLI needs -database: `/app/ledger migrate up` is the app's own migrator
  [/(?<![\w./-])migrate\s+(-\S+\s+\S+\s+)*-database[\s=]\S+\s+(-\S+\s+\S+\s+)*up\b/, 'golang-migrate'],
  [/\bgoose\b[^\n]*\s(up|up-to|up-by-one)\b/, 'goose'],
  [/\bprisma\s+migrate\s+deploy\b/, 'prisma'],
  [/\b(rails|rake|bin\/rails)\s+db:migrate\b/, 'rails'],
  [/\bdbmate\b[^\n]*\s(up|migrate)\b/, 'dbmate'],
  [/\bflyway\b[^\n]*\smigrate\b/, 'flyway'],
  [/\bsqitch\s+deploy\b/, 'sqitch'],
  [/\bdiesel\s+migration\s+run\b/, 'diesel'],
  [/\bliquibase\b[^\n]*\s(update|update-count|update-to-tag)\b/, 'liquibase'],
  [/\bknex\s+migrate:latest\b/, 'knex'],
  [/\bdb-migrate\s+up\b/, 'db-migrate'],
  [/\balembic\s+upgrade\b/, 'alembic'],
  [/\bmanage\.py\s+migrate\b/, 'django'],
];

/**
 * The migrations folder a migration command names (`-path X`, `-source file://X`,
 * `--migrations-dir X`, `-d X`, `-dir X`, `-locations=filesystem:X`), as a root-relative path
 * without ./ and trailing slash. Variables are not folders.
 */
export function migrationDirIn(command: string): string | undefined {
  const m =
    /(?:^|\s)(?:-path|-source|--path|--source|--migrations-dir|-d|-dir|--dir|--migration-dir|-locations)(?:=|\s+)["']?(?:file:\/\/|filesystem:)?([^\s"',;]+)/.exec(
      command,
    );
  const dir = m?.[1];
  if (!dir || /[$`{]/.test(dir)) return undefined;
  const rel = posix.normalize(dir.replace(/^\.\//, ''));
  return rel.endsWith('/') && rel.length > 1 ? rel.slice(0, -1) : rel;
}

/** Tools whose `up` fails when the database is at a version its migration files do not contain. */
const REFUSES_NEWER = new Set(['golang-migrate']);

export interface RunsFound {
  runs: MigrationRun[];
  /** History tables the service configures (tool → table), with where. */
  tables: { tool: string; table: Setting<string> }[];
}

function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** The migration command a line of shell/YAML runs, if any. */
export function migrationCommand(text: string): { tool: string; index: number; match: string } | undefined {
  let best: { tool: string; index: number; match: string } | undefined;
  for (const [re, tool] of COMMANDS) {
    const m = re.exec(text);
    if (m && (best === undefined || m.index < best.index)) best = { tool, index: m.index, match: m[0] };
  }
  return best;
}

/**
 * The migration command of a manifest's text (a chart template, unrendered): its lines flattened
 * into one command line (list markers, quotes, brackets and commas dropped), so a YAML list
 * `command: ["migrate", "-path", …]` or an image entrypoint with args (`image: migrate/migrate`,
 * `args: [-path, …, up]`) reads as the shell line it runs. Metadata (annotations, labels) is left out.
 */
export function templateMigrationCommand(text: string): ReturnType<typeof migrationCommand> {
  const start = text.search(/^[ \t]*(?:-[ \t]+)?(?:containers|initContainers):/m);
  const flat = (start < 0 ? text : text.slice(start))
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, '').replace(/^\s*-\s+/, ' '))
    .join(' ')
    .replace(/["'[\],]/g, ' ')
    .replace(/\s+/g, ' ');
  return migrationCommand(flat);
}

function run(
  mode: MigrationRunMode,
  tool: string | undefined,
  detail: string,
  at: Evidence,
  owner: Pick<MigrationRun, 'workload' | 'before'> = {},
): MigrationRun {
  const dir = tool ? migrationDirIn(detail) : undefined;
  return {
    mode,
    ...(tool ? { tool } : {}),
    detail,
    ...(tool && REFUSES_NEWER.has(tool) ? { refusesNewerDatabase: true } : {}),
    ...owner,
    ...(dir ? { dir } : {}),
    at,
  };
}

/** Go code: golang-migrate's m.Up() / goose.Up at startup, and the history table they are given. */
export function goRuns(file: string, text: string): RunsFound {
  const out: RunsFound = { runs: [], tables: [] };
  if (/_test\.go$/.test(file)) return out;
  const gm = text.includes('github.com/golang-migrate/migrate');
  const goose = text.includes('github.com/pressly/goose');
  if (gm) {
    const up = /\b\w+\.(Up|Steps|Migrate)\(\s*(?:\w+\s*)?\)/.exec(text) ?? /\b\w+\.(Up|Migrate)\(/.exec(text);
    if (up && /main\.go$|cmd\/|server|app|start|boot|init|db|store|migrat/i.test(file))
      out.runs.push(
        run('startup', 'golang-migrate', `${up[0]} (golang-migrate) in the service's code`, {
          file,
          line: lineAt(text, up.index),
        }),
      );
    const t = /MigrationsTable\s*:\s*"([^"]+)"/.exec(text);
    if (t)
      out.tables.push({
        tool: 'golang-migrate',
        table: { value: t[1] as string, at: { file, line: lineAt(text, t.index) } },
      });
  }
  if (goose) {
    const up = /\bgoose\.(Up|UpContext|UpTo|UpToContext|Run|RunContext)\(|\b\w+\.Up\(ctx\)/.exec(text);
    if (up && (!up[1]?.startsWith('Run') || /"up"/.test(text)))
      out.runs.push(
        run('startup', 'goose', `${up[0]}…) (goose) in the service's code`, {
          file,
          line: lineAt(text, up.index),
        }),
      );
    const t = /goose\.SetTableName\(\s*"([^"]+)"\s*\)|goose\.WithTableName\(\s*"([^"]+)"\s*\)/.exec(text);
    if (t)
      out.tables.push({
        tool: 'goose',
        table: { value: (t[1] ?? t[2]) as string, at: { file, line: lineAt(text, t.index) } },
      });
  }
  return out;
}

/** `x-migrations-table=NAME` in a golang-migrate URL, anywhere (code, env files, manifests). */
export function urlTables(file: string, text: string): RunsFound['tables'] {
  const out: RunsFound['tables'] = [];
  const re = /[?&]x-migrations-table=([A-Za-z0-9_."]+)/g;
  for (let m = re.exec(text); m; m = re.exec(text))
    out.push({
      tool: 'golang-migrate',
      table: { value: (m[1] as string).replace(/"/g, ''), at: { file, line: lineAt(text, m.index) } },
    });
  return out;
}

/** Tool configuration files: flyway.conf `flyway.table`, knexfile `tableName`, dbmate env. */
export function configTables(file: string, text: string): RunsFound['tables'] {
  const out: RunsFound['tables'] = [];
  const add = (tool: string, m: RegExpExecArray | null, group = 1) => {
    if (m)
      out.push({ tool, table: { value: m[group] as string, at: { file, line: lineAt(text, m.index) } } });
  };
  if (/flyway\.(conf|toml)$|flyway/i.test(file))
    add('flyway', /^[ \t]*flyway\.table[ \t]*=[ \t]*(\S+)/m.exec(text));
  add('flyway', /\bFLYWAY_TABLE\s*[=:]\s*["']?([A-Za-z0-9_.]+)/.exec(text));
  add('flyway', /\s-table=([A-Za-z0-9_.]+)/.exec(text));
  if (/knexfile/.test(file)) add('knex', /\btableName\s*:\s*['"]([^'"]+)['"]/.exec(text));
  add('dbmate', /\bDBMATE_MIGRATIONS_TABLE\s*[=:]\s*["']?([A-Za-z0-9_.]+)/.exec(text));
  add('dbmate', /--migrations-table[= ]([A-Za-z0-9_.]+)/.exec(text));
  add('goose', /\bGOOSE_TABLE\s*[=:]\s*["']?([A-Za-z0-9_.]+)/.exec(text));
  return out;
}

/** Entrypoint/start scripts, Dockerfiles, Procfiles, package.json start scripts. */
export function scriptRuns(file: string, text: string): MigrationRun[] {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const out: MigrationRun[] = [];
  const at = (index: number): Evidence => ({ file, line: lineAt(text, index) });
  if (base === 'Procfile') {
    for (const m of text.matchAll(/^(\w+):(.*)$/gm)) {
      const c = migrationCommand(m[2] as string);
      if (!c) continue;
      const mode: MigrationRunMode = m[1] === 'release' ? 'release-phase' : 'startup';
      out.push(run(mode, c.tool, `Procfile ${m[1]}: ${c.match.trim()}`, at(m.index ?? 0)));
    }
    return out;
  }
  if (base === 'package.json') {
    let scripts: Record<string, unknown> = {};
    try {
      scripts = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts ?? {};
    } catch {
      return out;
    }
    for (const name of ['start', 'start:prod', 'start:production', 'serve', 'prestart']) {
      const v = scripts[name];
      if (typeof v !== 'string') continue;
      const c = migrationCommand(v);
      if (c)
        out.push(run('startup', c.tool, `npm ${name}: ${c.match.trim()}`, at(text.indexOf(`"${name}"`))));
    }
    return out;
  }
  if (/^Dockerfile/.test(base)) {
    for (const m of text.matchAll(/^[ \t]*(ENTRYPOINT|CMD)[ \t](.*)$/gim)) {
      const c = migrationCommand((m[2] as string).replace(/["',[\]]/g, ' '));
      if (c) out.push(run('startup', c.tool, `${m[1]}: ${c.match.trim()}`, at(m.index ?? 0)));
    }
    return out;
  }
  // entrypoint / start scripts
  const c = migrationCommand(text.replace(/^[ \t]*#.*$/gm, ''));
  if (c) {
    const idx = text.indexOf(c.match);
    out.push(
      run('startup', c.tool, `${base} runs ${c.match.trim()} before the app starts`, at(Math.max(idx, 0))),
    );
  }
  return out;
}

/** Is this file a startup script (by its name)? */
export function isStartScript(rel: string): boolean {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  return /^(docker-)?entrypoint(\.\w+)?\.sh$|^(start|run|boot|launch|serve|startup)([-_.][\w.-]*)?\.sh$/i.test(
    base,
  );
}

export { run as migrationRun };

/** The text a container runs (command + args), joined. */
function containerCommand(c: unknown): string {
  const part = (v: unknown): string =>
    Array.isArray(v) ? v.map((x) => String(x)).join(' ') : typeof v === 'string' ? v : '';
  const o = (c ?? {}) as Record<string, unknown>;
  // no command: the image's entrypoint runs the args (migrate/migrate, flyway/flyway…)
  const image = typeof o.image === 'string' ? o.image : '';
  const entry = o.command || o.entrypoint ? '' : (image.split('/').pop()?.split(/[:@]/)[0] ?? '');
  return `${part(o.command)} ${part(o.entrypoint)} ${entry} ${part(o.args)}`.trim();
}

/**
 * Kubernetes objects: init containers that migrate, and Argo CD hook Jobs (PreSync/Sync) that do.
 * `at(path)` locates a path inside the object.
 */
export function kubernetesRuns(
  kind: string,
  name: string,
  body: Record<string, unknown>,
  at: (path: (string | number)[]) => Evidence,
): MigrationRun[] {
  const out: MigrationRun[] = [];
  const spec = body.spec as Record<string, unknown> | undefined;
  const tpl = (
    kind === 'CronJob'
      ? ((spec?.jobTemplate as Record<string, unknown>)?.spec as Record<string, unknown>)?.template
      : spec?.template
  ) as Record<string, unknown> | undefined;
  const pod = tpl?.spec as Record<string, unknown> | undefined;
  if (!pod) return out;
  const base =
    kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec'] : ['spec', 'template', 'spec'];
  const inits = Array.isArray(pod.initContainers) ? pod.initContainers : [];
  inits.forEach((c, i) => {
    const cmd = migrationCommand(containerCommand(c));
    if (cmd)
      out.push(
        run(
          'init-container',
          cmd.tool,
          `${kind.toLowerCase()}/${name} init container ${(c as { name?: string }).name ?? i}: ${cmd.match.trim()}`,
          at([...base, 'initContainers', i]),
          { workload: `${kind.toLowerCase()}/${name}` },
        ),
      );
  });
  const annotations = ((body.metadata as Record<string, unknown>)?.annotations ?? {}) as Record<
    string,
    unknown
  >;
  const argoHook = annotations['argocd.argoproj.io/hook'];
  if (kind === 'Job' && typeof argoHook === 'string' && /PreSync|Sync/.test(argoHook)) {
    const containers = Array.isArray(pod.containers) ? pod.containers : [];
    containers.forEach((c, i) => {
      const cmd = migrationCommand(containerCommand(c));
      if (cmd)
        out.push(
          run(
            'argocd-hook',
            cmd.tool,
            `job/${name} (Argo CD ${argoHook} hook): ${cmd.match.trim()}`,
            at([...base, 'containers', i]),
          ),
        );
    });
  }
  return out;
}

/** A compose service that looks like a migrator by its name, image or command (`migrate`, `myorg/migrator`). */
const MIGRATOR_WORD = /migrat/i;

/**
 * docker compose: a service whose command migrates (the app usually waits for it to complete), and a
 * service that looks like a migrator (its name, image or command) whose tool rollbook cannot tell: a
 * run without a tool (what it changes is unknown unless a set is bound to the project).
 */
export function composeRuns(
  file: string,
  value: unknown,
  at: (path: (string | number)[]) => Evidence,
): MigrationRun[] {
  const out: MigrationRun[] = [];
  const services = (value as Record<string, unknown> | undefined)?.services;
  if (!services || typeof services !== 'object') return out;
  for (const [name, svc] of Object.entries(services as Record<string, unknown>)) {
    const text = containerCommand(svc);
    const cmd = migrationCommand(text);
    const image = String((svc as Record<string, unknown> | null)?.image ?? '');
    if (!cmd && !MIGRATOR_WORD.test(`${name} ${image} ${text}`)) continue;
    const waiters = Object.entries(services as Record<string, unknown>)
      .filter(([, o]) => {
        const dep = (o as Record<string, unknown>)?.depends_on;
        return Array.isArray(dep) ? dep.includes(name) : dep && typeof dep === 'object' && name in dep;
      })
      .map(([n]) => n);
    const what = cmd ? cmd.match.trim() : text || image;
    out.push(
      run(
        'compose-service',
        cmd?.tool,
        `compose service ${name}${waiters.length ? ` (before ${waiters.join(', ')})` : ''}: ${what}`,
        at(['services', name]),
        waiters.length ? { before: waiters } : {},
      ),
    );
  }
  void file;
  return out;
}
