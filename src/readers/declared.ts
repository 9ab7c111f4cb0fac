/**
 * What rollbook.yaml declares that changes the design, one item per fact with the line it is
 * declared on: what `discover` shows under "Read with rollbook.yaml". Pure over the validated
 * descriptor (rules and ignore change `check`, not the design, and are left out).
 */
import type { Evidence } from '../model/service.js';
import { defaultSignalOp } from './descriptor.js';
import type { Descriptor } from './descriptor-schema.js';

/** One declared item: its key in rollbook.yaml, its value as one line, and where it is declared. */
export interface DeclaredItem {
  key: string;
  value: string;
  at?: Evidence;
  /** What discovery found instead, when the declaration overrides it (set by `discover`). */
  found?: string;
}

type Path = (string | number)[];

/** `name op threshold for 5m`: a signal as one line (the direction the design uses when none is given). */
function signalText(s: NonNullable<Descriptor['signals']>[number]): string {
  const cond =
    s.threshold !== undefined ? ` ${s.op ?? defaultSignalOp(s.name) ?? '(direction?)'} ${s.threshold}` : '';
  return `${s.name}${cond}${s.for ? ` for ${s.for}` : ''}`;
}

/** Every declared item that changes the design, in the order of the rollbook.yaml contract. */
export function declaredItems(d: Descriptor, locate: (path: Path) => Evidence): DeclaredItem[] {
  const out: DeclaredItem[] = [];
  const add = (key: string, value: string | undefined, path: Path) => {
    if (value !== undefined && value !== '') out.push({ key, value, at: locate(path) });
  };
  const each = <T>(key: string, list: T[] | undefined, path: Path, text: (x: T) => string) => {
    for (const [i, x] of (list ?? []).entries()) add(key, text(x), [...path, i]);
  };
  if (d.owners?.length) add('owners', d.owners.join(', '), ['owners']);
  const dep = d.deploy;
  if (dep) {
    add('deploy.platform', dep.platform, ['deploy', 'platform']);
    add('deploy.workload', dep.workload, ['deploy', 'workload']);
    add('deploy.namespace', dep.namespace, ['deploy', 'namespace']);
    add('deploy.context', dep.context, ['deploy', 'context']);
    each('deploy.manifests', dep.manifests, ['deploy', 'manifests'], (x) => x);
    each('deploy.valuesFiles', dep.valuesFiles, ['deploy', 'valuesFiles'], (x) => x);
    add('deploy.pipeline', dep.pipeline, ['deploy', 'pipeline']);
    for (const k of Object.keys(dep.target ?? {}).sort())
      add(`deploy.target.${k}`, dep.target?.[k], ['deploy', 'target', k]);
  }
  add('artifact.image', d.artifact?.image, ['artifact', 'image']);
  add('artifact.versioning', d.artifact?.versioning, ['artifact', 'versioning']);
  const st = d.state;
  if (st) {
    const sets =
      st.migrations === undefined ? [] : Array.isArray(st.migrations) ? st.migrations : [st.migrations];
    const single = !Array.isArray(st.migrations);
    for (const [i, m] of sets.entries())
      add(
        'state.migrations',
        [
          m.path ?? '(path not given)',
          m.tool ? `(${m.tool})` : '(tool detected)',
          m.database ? `database ${m.database}` : '',
          m.version !== undefined ? `version ${m.version}` : '',
          m.table ? `table ${m.table}` : '',
        ]
          .filter(Boolean)
          .join(' '),
        single ? ['state', 'migrations'] : ['state', 'migrations', i],
      );
    each('state.flags', st.flags, ['state', 'flags'], (f) => `${f.file ?? '(no file)'} (${f.provider})`);
    each('state.caches', st.caches, ['state', 'caches'], (c) => `${c.name} (${c.store})`);
    each(
      'state.queues',
      st.queues,
      ['state', 'queues'],
      (q) => `${q.name}${q.format ? ` (${q.format})` : ''}`,
    );
    each('state.writes', st.writes, ['state', 'writes'], (w) => w.store);
  }
  add('release.tags', d.release?.tags, ['release', 'tags']);
  each(
    'dependencies',
    d.dependencies,
    ['dependencies'],
    (x) => `${x.name}${x.relation ? ` (${x.relation})` : ''}`,
  );
  each('signals', d.signals, ['signals'], signalText);
  each('synthetics', d.synthetics, ['synthetics'], (s) => s.url);
  if (d.roles?.rollback?.length) add('roles.rollback', d.roles.rollback.join(', '), ['roles', 'rollback']);
  if (d.roles?.dataRollback?.length)
    add('roles.dataRollback', d.roles.dataRollback.join(', '), ['roles', 'dataRollback']);
  add('comms.channel', d.comms?.channel, ['comms', 'channel']);
  if (d.comms?.statusPage !== undefined)
    add('comms.statusPage', String(d.comms.statusPage), ['comms', 'statusPage']);
  add('history.procedure', d.history?.procedure, ['history', 'procedure']);
  if (d.history?.pastRollbacks?.length)
    add('history.pastRollbacks', `${d.history.pastRollbacks.length} recorded`, ['history', 'pastRollbacks']);
  return out;
}
