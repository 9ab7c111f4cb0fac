import { basename } from 'node:path';
import { RollbookError } from '../errors.js';
import {
  type Evidence,
  KUBE_CONTEXT_PLATFORMS,
  type MigrationRun,
  type MigrationSet,
  type Service,
  type Unknown,
} from '../model/service.js';
import { type DeclaredItem, declaredItems } from './declared.js';
import { findDescriptor, migrationSpecs, readDescriptor, serviceFromDescriptor } from './descriptor.js';
import { KUBE_CONTEXT } from './descriptor-schema.js';
import { applyDiscovery, type DiscoverOptions, discover, migrationSetsFor } from './discover.js';
import { workloadRef } from './discovery/migration-binding.js';
import { repoState } from './git.js';
import { loadMigrations, type MigrationSpec } from './migrations/index.js';
import { checkNames, WORKLOAD_NAME_KIND } from './names.js';
import { crossedMigrations, migrationSetsAt, readRelease, resolveWindow } from './release.js';
import { serviceRoot } from './root.js';
import { emptyService } from './service-base.js';

export interface LoadOptions {
  /** Pick one workload when the repository holds several. */
  workload?: string;
  /** The kube context the cluster commands target (overrides deploy.context). */
  context?: string;
  /**
   * Read the release from git and scope the migrations to what it crosses. Default true;
   * false reads the working tree only (no git) and leaves `service.release` unset.
   */
  release?: boolean;
  /**
   * Which migration files to parse (default: all). Others are listed with no statements: for a
   * caller that reviews a few files of a long history (check).
   */
  parse?: (file: string) => boolean;
  /** The version to roll back (default HEAD). */
  from?: string;
  /** The target version (default: the newest release tag reachable from `from`). */
  to?: string;
}

/** What rollbook.yaml says before the files are read: the service it starts from and discovery's inputs. */
export interface ServiceInputs {
  /** rollbook.yaml's path relative to the root, when there is one. */
  file?: string;
  /** The service as rollbook.yaml declares it (or an empty one named after the directory). */
  service: Service;
  specs: MigrationSpec[];
  tags?: string;
  nameAt?: Evidence;
  /** What discovery reads with: deploy.valuesFiles and deploy.namespace of rollbook.yaml. */
  discover: DiscoverOptions;
  /** Every item rollbook.yaml declares that changes the design, with where (for `discover` to show). */
  declared: DeclaredItem[];
}

/**
 * rollbook.yaml (when present) read into the service it declares and the inputs discovery takes
 * from it: the one path `plan` (loadService) and `discover` both read it by. A bad rollbook.yaml is
 * a RollbookError with file:line:col.
 */
export function readServiceInputs(root: string, opts: { workload?: string } = {}): ServiceInputs {
  const file = findDescriptor(root);
  let service: Service;
  let specs: MigrationSpec[] = [];
  let tags: string | undefined;
  let nameAt: Evidence | undefined;
  let declared: DeclaredItem[] = [];
  if (file) {
    const { descriptor, locate } = readDescriptor(root, file);
    nameAt = locate(['service']);
    service = serviceFromDescriptor(root, file, descriptor, locate);
    specs = migrationSpecs(descriptor, locate);
    tags = descriptor.release?.tags;
    declared = declaredItems(descriptor, locate);
  } else {
    service = emptyService(root, basename(root));
    service.unknowns.push({
      subject: 'rollbook.yaml',
      reason:
        'no rollbook.yaml: everything below comes from the repository files. Run "rollbook init" to record what only people know (signals, roles, comms, past rollbacks).',
    });
  }
  const { valuesFiles, namespace } = service.deploy;
  return {
    ...(file ? { file } : {}),
    service,
    specs,
    ...(tags !== undefined ? { tags } : {}),
    ...(nameAt ? { nameAt } : {}),
    discover: {
      ...(opts.workload ? { workload: opts.workload } : {}),
      ...(valuesFiles ? { valuesFiles } : {}),
      ...(namespace ? { namespace } : {}),
    },
    declared,
  };
}

/**
 * Read a service repository into the model: rollbook.yaml (when present), then what the files say
 * (discovery, migrations). The only entry point the CLI uses to read a service.
 */
export async function loadService(dir: string, opts: LoadOptions = {}): Promise<Service> {
  const root = serviceRoot(dir);
  const inputs = readServiceInputs(root, opts.workload ? { workload: opts.workload } : {});
  const { file, specs, tags, nameAt } = inputs;
  const found = await discover(root, inputs.discover);
  const service = applyDiscovery(inputs.service, found);
  // Without a descriptor the directory name is a guess; the chosen workload names the service.
  const only = service.workloads.length === 1 ? service.workloads[0] : undefined;
  if (!file && only) service.name = only.name;
  // Nothing else names the platform's resource: the service name becomes a command argument.
  const platform = service.deploy.platform;
  if (platform && !service.deploy.workload && Object.keys(service.deploy.target ?? {}).length === 0)
    checkNames([
      {
        kind: WORKLOAD_NAME_KIND[platform],
        value: service.name,
        path: file ? 'service' : 'service (the directory name)',
        ...(nameAt ? { at: nameAt } : {}),
      },
    ]);
  const loaded = await loadMigrations(root, specs, opts.parse ? { parse: opts.parse } : {});
  service.migrations = loaded.sets;
  for (const set of service.migrations) {
    if (set.historyTable) continue;
    const tables = found.migrationTables.filter(
      (t) => t.tool === set.tool || (service.migrations.length === 1 && set.tool === 'custom'),
    );
    const names = [...new Set(tables.map((t) => t.table.value))];
    if (names.length === 1 && tables[0]) set.historyTable = tables[0].table;
    else if (names.length > 1)
      service.unknowns.push({
        subject: `history table of ${set.path}`,
        reason: `the service configures several ${set.tool} history tables (${names.join(', ')}); name the one for ${set.path} in state.migrations.table`,
        ...(tables[0]?.table.at ? { at: tables[0].table.at } : {}),
      });
  }
  if (loaded.excluded.length > 0) service.excludedMigrations = loaded.excluded;
  if (opts.context !== undefined) {
    if (!KUBE_CONTEXT.test(opts.context))
      throw new RollbookError(
        'USAGE',
        `--context ${JSON.stringify(opts.context)}: not a kube context name`,
        'Pass the name as kubectl config get-contexts lists it.',
      );
    service.deploy.context = opts.context;
  }
  const kubePlatform = service.deploy.platform ?? only?.platform;
  if (!service.deploy.context && kubePlatform && KUBE_CONTEXT_PLATFORMS.has(kubePlatform))
    service.unknowns.push({
      subject: 'kube context',
      reason:
        "no kube context declared: the cluster commands run against kubectl's current context (check it: kubectl config current-context); set deploy.context in rollbook.yaml or pass --context",
      ...(service.deploy.at ? { at: service.deploy.at } : {}),
    });
  // An Argo Rollout's commands always carry -n: with no namespace in any file, it is an input
  if (
    kubePlatform === 'argo-rollouts' &&
    !(only?.namespace ?? service.deploy.target?.namespace ?? service.deploy.namespace)
  ) {
    const name = only?.name ?? service.deploy.target?.rollout ?? service.name;
    service.unknowns.push({
      subject: `namespace of Rollout ${name}`,
      reason: `no manifest metadata.namespace, kustomization namespace, Argo CD Application destination.namespace or rollbook.yaml deploy.namespace names it: every kubectl argo rollouts command takes -n "\${ROLLOUT_NAMESPACE}", an input (kubectl get --all-namespaces --field-selector=metadata.name=${name} -- rollouts.argoproj.io lists it); set deploy.namespace in rollbook.yaml`,
      ...((only?.at ?? service.deploy.at) ? { at: only?.at ?? service.deploy.at } : {}),
    });
  }
  // Without state.migrations, a chosen workload gets the sets bound to it (what runs them, with
  // evidence) and those nothing binds (their data path is unknown); a set another workload runs is
  // not this one's: no data step, no backup, no risk from it.
  const bindings = migrationSetsFor(found, service);
  if (specs.length === 0 && service.workloads.length === 1) {
    const binding = (set: MigrationSet) =>
      found.migrationDirs.find((m) => m.path === set.path && m.tool === set.tool)?.binding;
    const mine = (set: MigrationSet) =>
      bindings.bound.some((m) => m.path === set.path && m.tool === set.tool);
    const unbound = (set: MigrationSet) =>
      bindings.unbound.some((m) => m.path === set.path && m.tool === set.tool);
    const kept = service.migrations.filter((set) => mine(set) || unbound(set));
    const commanded = kept.filter((set) => mine(set) && set.selection === 'one-of-several');
    for (const set of kept) {
      const b = binding(set);
      if (b) set.boundBy = b;
      if (unbound(set)) set.selection = 'unbound';
      else if (set.selection === 'one-of-several' && commanded.length === 1) set.selection = 'only';
    }
    service.migrations = kept;
    // the workload runs migrations rollbook found no files of: what they change is unknown. A run
    // whose tool rollbook cannot tell is accounted for by a set bound to the workload.
    const ref = service.workloads[0] ? workloadRef(service.workloads[0]) : '';
    const hasSet = kept.some(mine);
    const notFound = found.runsWithoutSet
      .filter((r) => r.workloads.includes(ref) && !(r.toolUnknown && hasSet))
      .map((r) => r.run);
    if (notFound.length) service.migrationsNotFound = notFound;
    for (const r of notFound) service.unknowns.push(runWithoutSetUnknown(r));
  }
  const several = service.migrations.filter((m) => m.selection === 'one-of-several');
  if (several.length > 0)
    service.unknowns.push({
      subject: 'migration sets',
      reason: `${several.length} migration sets found (${several.map((m) => `${m.path} (${m.tool})`).join(', ')}) and rollbook.yaml does not say which one runs against this service's database: the runbook gives none of them a command. Name it in state.migrations (path, tool, database)`,
    });
  if (opts.release !== false) {
    const window = await resolveWindow(root, {
      ...(opts.from !== undefined ? { from: opts.from } : {}),
      ...(opts.to !== undefined ? { to: opts.to } : {}),
      ...(tags !== undefined ? { tags } : {}),
    });
    // the migrations as they are at `from` (the working tree's locations, from's files)
    const head = window.git ? (await repoState(root)).head : undefined;
    const atFrom =
      window.git && window.from.commit !== head
        ? await migrationSetsAt(root, window.from.commit, service.migrations)
        : service.migrations;
    service.release = await readRelease(root, service, {}, atFrom, window);
    service.migrations = crossedMigrations(atFrom, service.release);
    // an unbound set the release does not cross asks nothing of this rollback
    if (service.release.scoped)
      service.migrations = service.migrations.filter(
        (m) => m.selection !== 'unbound' || m.migrations.length > 0,
      );
  }
  for (const set of service.migrations)
    if (set.selection === 'unbound') service.unknowns.push(unboundUnknown(set, service));
  for (const set of service.migrations) {
    for (const sk of set.skipped)
      service.unknowns.push({ subject: `migration file ${sk.file}`, reason: sk.reason });
    for (const m of set.migrations) {
      for (const f of [m.up, m.down]) {
        for (const e of f?.errors ?? []) {
          service.unknowns.push({
            subject: `migration ${m.version} (${f?.direction})`,
            reason: `could not parse: ${e.message}; its rollback hazards are unknown: fix the SQL or review it by hand`,
            at: e.at,
          });
        }
      }
    }
  }
  return service;
}

/**
 * The unknown of a migration set the release crosses that nothing in the repository binds to a
 * workload: what was checked, and the rollbook.yaml lines that would bind it.
 */
export function unboundUnknown(set: MigrationSet, service: Service): Unknown {
  const crossed = service.release?.scoped
    ? `the release crosses ${set.migrations.length} of its migration${set.migrations.length === 1 ? '' : 's'}`
    : 'its migrations are not scoped to a release';
  const checked = set.boundBy?.checked.length ? ` Checked: ${set.boundBy.checked.join('; ')}.` : '';
  return {
    subject: `migration set ${set.path}`,
    reason: `${set.path} (${set.tool}) is bound to no workload: nothing in the repository says which of its workloads runs it, so whether this rollback touches its database is unknown (${crossed}); the runbook gives it no command.${checked} If this service's database runs it, declare it in rollbook.yaml: state: { migrations: { path: ${set.path}, tool: ${set.tool}, database: ${set.database || 'postgres'} } }`,
  };
}

/** The unknown of a migration run that runs no set rollbook read: what would bind it. */
function runWithoutSetUnknown(r: MigrationRun): Unknown {
  const declare =
    'declare the set it runs in rollbook.yaml (state.migrations: { tool: <its tool>, path: <the folder of the files it runs>, database: postgres }), or confirm with the data owner that the release ran none';
  // the folder the command names, when it is one of the repository's (a container path is not)
  const path = r.dir && !r.dir.startsWith('/') ? r.dir : '<the folder of the files it runs>';
  return r.tool
    ? {
        subject: `migrations run by ${r.detail}`,
        reason: `${r.tool}, set not bound: this workload runs ${r.tool} migrations (${r.mode}, ${r.at.file}:${r.at.line}) and rollbook read no ${r.tool} migration set it runs: whether the release changed the schema or data is unknown. Bind it in rollbook.yaml: state: { migrations: { tool: ${r.tool}, path: ${path}, database: postgres } }, or confirm with the data owner that the release ran none`,
        at: r.at,
      }
    : {
        subject: `migrations run by ${r.detail}`,
        reason: `this workload runs migrations (${r.mode}, ${r.at.file}:${r.at.line}) with a tool rollbook does not recognise, and no migration set is bound to it: whether the release changed the schema or data is unknown. To bind it, ${declare}`,
        at: r.at,
      };
}
