import type { MigrationRun, Pipeline, Setting, Workload } from '../../model/service.js';
import { mapLimit } from '../../util/map-limit.js';
import { cmp } from '../../util/order.js';
import type { KObj } from './k8s.js';
import {
  composeRuns,
  configTables,
  goRuns,
  isStartScript,
  kubernetesRuns,
  migrationRun,
  scriptRuns,
  urlTables,
} from './migration-runs.js';
import { readText } from './text.js';
import type { RepoFile } from './walk.js';
import type { YamlDoc } from './yaml.js';

export interface RunInputs {
  files: RepoFile[];
  objects: KObj[];
  yaml: { file: string; docs: YamlDoc[] }[];
  workloads: Workload[];
  pipelines: Pipeline[];
}

const MAX_GO_FILES = 5_000;
const MAX_SOURCE_BYTES = 512 * 1024;

/** The first of each key, in order. */
function uniqueBy<T>(list: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function base(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

/**
 * Every place the repository applies migrations, and the history table it configures, with evidence.
 * Go code is only read when it imports golang-migrate or goose; scripts by name.
 */
export async function findMigrationRuns(
  inp: RunInputs,
): Promise<{ runs: MigrationRun[]; tables: { tool: string; table: Setting<string> }[] }> {
  const runs: MigrationRun[] = [];
  const tables: { tool: string; table: Setting<string> }[] = [];
  const skip = (rel: string) => /(^|\/)(vendor|testdata|third_party|examples?|test|tests)\//.test(rel);
  const go = inp.files.filter((f) => f.rel.endsWith('.go') && !skip(f.rel)).slice(0, MAX_GO_FILES);
  const scripts = inp.files.filter((f) => {
    const b = base(f.rel);
    return (
      !skip(f.rel) &&
      (isStartScript(f.rel) ||
        /^Dockerfile/.test(b) ||
        b === 'Procfile' ||
        (b === 'package.json' && !f.rel.includes('node_modules/')))
    );
  });
  const configs = inp.files.filter((f) => {
    const b = base(f.rel);
    return !skip(f.rel) && /^(flyway\.(conf|toml)|knexfile\.[cm]?[jt]s|\.env(\..+)?|.*\.env)$/.test(b);
  });
  const results = await mapLimit([...go, ...scripts, ...configs], 16, async (f) => {
    const t = await readText(f, MAX_SOURCE_BYTES);
    if (!t.ok) return undefined;
    const text = t.text;
    if (f.rel.endsWith('.go')) {
      if (
        !text.includes('golang-migrate') &&
        !text.includes('pressly/goose') &&
        !text.includes('x-migrations-table')
      )
        return undefined;
      const r = goRuns(f.rel, text);
      return { runs: r.runs, tables: [...r.tables, ...urlTables(f.rel, text)] };
    }
    if (configs.includes(f))
      return { runs: [], tables: [...configTables(f.rel, text), ...urlTables(f.rel, text)] };
    return {
      runs: scriptRuns(f.rel, text),
      tables: [...urlTables(f.rel, text), ...configTables(f.rel, text)],
    };
  });
  for (const r of results) {
    if (!r) continue;
    runs.push(...r.runs);
    tables.push(...r.tables);
  }
  for (const o of inp.objects) {
    runs.push(...kubernetesRuns(o.kind, o.name, o.body, (p) => o.doc.at([...o.base, ...p])));
  }
  for (const y of inp.yaml) {
    const b = base(y.file);
    for (const d of y.docs) {
      if (/^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/.test(b))
        runs.push(...composeRuns(y.file, d.value, (p) => d.at(p)));
      const text = JSON.stringify(d.value ?? null);
      if (text.includes('x-migrations-table'))
        for (const t of urlTables(y.file, text))
          tables.push({ ...t, table: { value: t.table.value, at: d.at([]) } });
    }
  }
  for (const w of inp.workloads)
    for (const h of w.hooks ?? [])
      if (h.runsMigration && h.at)
        runs.push(
          migrationRun(
            'helm-hook',
            h.tool,
            `${h.kind.toLowerCase()}/${h.name} Helm hook (${h.events.join(', ')})${h.command ? `: ${h.command}` : ''}`,
            h.at,
          ),
        );
  for (const p of inp.pipelines)
    if (p.migratesBeforeDeploy)
      runs.push(
        migrationRun(
          'pipeline',
          undefined,
          `${p.provider} ${p.file} migrates before job ${p.deployJob ?? '(deploy)'}`,
          p.at ?? { file: p.file, line: 1 },
        ),
      );
  const key = (r: MigrationRun) => `${r.at.file}\u0000${String(r.at.line).padStart(8, '0')}\u0000${r.mode}`;
  const uniq = uniqueBy(
    runs.sort((a, b) => cmp(key(a), key(b))),
    key,
  );
  const tkey = (t: (typeof tables)[number]) => `${t.tool}\u0000${t.table.value}`;
  const tuniq = uniqueBy(
    tables.sort((a, b) => cmp(tkey(a), tkey(b)) || cmp(a.table.at?.file ?? '', b.table.at?.file ?? '')),
    tkey,
  );
  return { runs: uniq, tables: tuniq };
}
