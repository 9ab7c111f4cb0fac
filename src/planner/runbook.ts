import type { Command, Input, Step } from '../model/plan.js';
import type { MigrationSet } from '../model/service.js';
import { serviceEndpointChecks } from '../platforms/k8s.js';
import type { PlatformRollback } from '../platforms/types.js';
import { designBackup } from './backup.js';
import { type PlanContext, workloadLabel } from './context.js';
import { GATE_IDS } from './gates.js';
import { MIGRATE_URL, migrationToolCommands, VERSION_PARSERS, versionCheck } from './migration-tools.js';
import { type ReconcileItem, reconcileItems, schemaSets } from './reconcile.js';

const PRE_GATES = [GATE_IDS.targetExists, GATE_IDS.noDeploy];

function manual(text: string): Command {
  return { argv: [], readOnly: true, manual: text };
}

function announceStep(ctx: PlanContext): Omit<Step, 'requiresGates'> {
  const channel = ctx.service.comms.channel ?? 'the incident channel';
  return {
    id: 'declare-and-freeze',
    title: 'Declare the rollback and freeze deploys',
    commands: [
      manual(
        `Post the "identified" update in ${channel} (see Status updates) and name the incident commander.`,
      ),
      manual(
        ctx.service.deploy.pipeline
          ? `Pause the ${ctx.service.deploy.pipeline} deploy pipeline / merge queue so nothing redeploys the bad version.`
          : 'Pause the deploy pipeline / merge queue so nothing redeploys the bad version.',
      ),
    ],
    expectedSeconds: 120,
    maxSeconds: 300,
    check: {
      expect: 'the update is posted and the pipeline shows paused',
      timeoutSeconds: 300,
      retries: 0,
      manual: true,
    },
    onFailure:
      'If the pipeline cannot be paused, tell everyone in the channel not to merge, then continue: a redeploy of the bad version during the rollback is the worse outcome.',
    touchesData: false,
    durationBasis: 'manual: post and pause',
  };
}

/** Minutes to watch the signals after the kill switch: the longest trigger window, at least 5. */
export function killSwitchWatchMinutes(ctx: PlanContext): number {
  const longest = Math.max(0, ...ctx.service.signals.map((s) => s.forSeconds ?? 0));
  return Math.max(5, Math.ceil(longest / 60));
}

/**
 * How long turning a flag off takes until the running service sees it: the flip in the provider
 * (seconds to a minute in a UI; an edit and an apply for a flag file) plus the provider's propagation
 * to the SDKs, each an assumed default with where the real value is set.
 */
export interface FlipTiming {
  flip: { expected: number; max: number; how: string };
  propagation: { expected: number; max: number; basis: string };
}

export function flipTiming(provider: string): FlipTiming {
  const p = provider.toLowerCase();
  const ui = { expected: 30, max: 60, how: "a switch in the provider's UI" };
  if (p === 'unleash')
    return {
      flip: ui,
      propagation: {
        expected: 15,
        max: 30,
        basis:
          'Unleash server SDKs poll every 15 s by default (assumed; the real value is refreshInterval where the SDK is initialised; front-end SDKs and the proxy poll every 30 s)',
      },
    };
  if (p === 'launchdarkly')
    return {
      flip: ui,
      propagation: {
        expected: 5,
        max: 30,
        basis:
          'LaunchDarkly SDKs stream changes within seconds (assumed; an SDK in polling mode waits its pollInterval, 30 s by default)',
      },
    };
  if (p === 'flagd')
    return {
      flip: { expected: 60, max: 180, how: 'an edit of defaultVariant in the flag file and an apply' },
      propagation: {
        expected: 60,
        max: 120,
        basis:
          "flagd reloads a watched file at once, but a file mounted from a ConfigMap reaches the pod after the kubelet's sync (syncFrequency, 1 min by default) plus its ConfigMap cache: about 1 min, up to 2 (assumed; the kubelet configuration sets it)",
      },
    };
  return {
    flip: { expected: 60, max: 120, how: `a switch in ${provider}` },
    propagation: {
      expected: 60,
      max: 300,
      basis: `${provider}: propagation assumed 1 min, worst 5 (the real value is the SDK's poll or streaming setting)`,
    },
  };
}

function killSwitchStep(ctx: PlanContext, sustainSeconds: number): Omit<Step, 'requiresGates'> | undefined {
  const flags = ctx.service.flags.filter((f) => f.killSwitch);
  const switches = flags.map((f) => `${f.key} (${f.provider})`);
  if (switches.length === 0) return undefined;
  const n = killSwitchWatchMinutes(ctx);
  const providers = [...new Set(flags.map((f) => f.provider))].sort();
  const timings = providers.map(flipTiming);
  const slowest = (pick: (t: FlipTiming) => number) => Math.max(...timings.map(pick));
  const expected = slowest((t) => t.flip.expected + t.propagation.expected);
  const max = slowest((t) => t.flip.max + t.propagation.max);
  const basis = timings
    .map((t) => `flip: ${t.flip.how} (~${t.flip.expected} s); propagation: ${t.propagation.basis}`)
    .join('; ');
  return {
    id: 'try-kill-switch',
    title: 'Turn the kill switch off first: the fastest mitigation',
    commands: [
      manual(
        `Turn off ${switches.join(', ')} in the flag provider, then watch the trigger signals for ${n} minutes. A flag flip takes seconds; a rollback takes minutes and leaves flag state as it is.`,
      ),
    ],
    expectedSeconds: expected,
    maxSeconds: max,
    check: {
      expect: `watch the trigger signals for ${n} minutes after the flag is off: did they recover? (yes: mitigated, stop the rollback here; no: continue with the rollback)`,
      timeoutSeconds: n * 60,
      watchSeconds: n * 60,
      retries: 0,
      manual: true,
    },
    onFailure:
      'The flag did not help (or the change is not behind it): leave the flag off and continue with the rollback.',
    stopWhenCheckPasses: `Mitigated by the kill switch: do not roll back. Keep ${switches.join(', ')} off, post the MONITORING update, and keep watching the signals for ${Math.round(sustainSeconds / 60)} minutes before RESOLVED; roll back later, calmly, if the flag must come back on.`,
    touchesData: false,
    durationBasis: `${basis}; then the check: a ${n}-minute watch of the trigger signals (the longest trigger window, at least 5 min), counted in the estimate`,
  };
}

/** Take the backup with each store's own tool: after the kill switch and the gates, before the data step. */
function backupStep(ctx: PlanContext): Omit<Step, 'requiresGates'> {
  const design = designBackup(ctx.service);
  const first = design.stores[0];
  const commands = design.stores.flatMap((b) => b.take);
  // the reconcile after the rollback starts from here
  for (const h of ctx.hazards.filter((x) => x.rule === 'dual-write'))
    commands.push(
      manual(
        `Record the write watermark of ${h.subject} and of its source of truth now (the last id or timestamp written): the reconcile after the rollback starts from it.`,
      ),
    );
  if (commands.length === 0) {
    // no store rollbook knows: name what each data hazard changes, with its evidence
    const data = ctx.hazards.filter((h) => h.touchesData);
    commands.push(
      manual(
        data.length > 0
          ? `rollbook knows no backup command for what these hazards change: ${data.map((h) => `${h.subject} (${h.rule}, ${h.evidence.map((e) => `${e.file}:${e.line}`).join(', ') || 'no file'})`).join('; ')}. Back up each one with its store's own tool now, and note where each backup is.`
          : `rollbook knows no backup command for what the rollback changes (${ctx.dataReasons.join('; ')}): back it up with the store's own tool now, and note where it is.`,
      ),
    );
  }
  const fresh = first?.check.freshFile;
  return {
    id: 'take-backup',
    title: `Take the backup now: ${design.stores.map((b) => b.store).join('; ') || 'the data the rollback changes'}`,
    commands,
    expectedSeconds: 300,
    maxSeconds: 1800,
    check: fresh
      ? {
          expect: 'the dump file was written during this run and is not empty',
          freshFile: fresh,
          timeoutSeconds: 10,
          retries: 0,
        }
      : (first?.check ?? {
          expect: 'the backup exists and was taken during this incident',
          timeoutSeconds: 1800,
          retries: 0,
          manual: true,
        }),
    onFailure:
      'Stop: no data step runs without a backup taken in this run. Fix the backup (space, permissions, credentials) and take it again, or escalate to the data owner; the app-only rollback may still be called if the compatibility gate passes.',
    touchesData: false,
    durationBasis: 'depends on the database size (assumed 5 min, worst 30 min)',
  };
}

function schemaStep(
  ctx: PlanContext,
  inputs: Set<string>,
  extraInputs: Input[],
): Omit<Step, 'requiresGates'> {
  const commands: Command[] = [];
  const notes: string[] = [];
  const checks: Command[] = [];
  let migrations = 0;
  const release = ctx.service.release;
  // scoped to a release: only the sets the rollback crosses get a revert command
  const sets = schemaSets(ctx);
  for (const set of sets) {
    migrations += set.migrations.length;
    if (set.selection === 'unbound') {
      commands.push(
        manual(
          `${set.path || '.'} (${set.tool}) is bound to no workload: nothing in the repository says this service's database runs it, so no command is given for it. Find out which database runs it (the team that owns ${set.path || '.'}) before reverting anything, and declare it in rollbook.yaml state.migrations if it is this service's.`,
        ),
      );
      continue;
    }
    if (set.selection === 'one-of-several') {
      commands.push(
        manual(
          `${set.path || '.'} (${set.tool}) is one of several migration sets and rollbook.yaml does not map it to this database: no command is given for it. Confirm which set this database runs before reverting anything.`,
        ),
      );
      continue;
    }
    const tool = migrationToolCommands(set);
    commands.push(
      ...tool.revert.map((c) =>
        tool.onePerRun ? { ...c, repeatUntilCheck: Math.max(1, set.migrations.length) } : c,
      ),
    );
    checks.push(tool.status);
    notes.push(`${set.tool} (${set.path || '.'}): ${tool.note}`);
    if (tool.manual) commands.push(manual(tool.note));
  }
  for (const c of [...commands, ...checks]) {
    for (const a of c.argv) if (typeof a !== 'string') inputs.add(a.var);
  }
  const usesTarget = [...commands, ...checks].some((c) =>
    c.argv.some((a) => typeof a !== 'string' && a.var === 'TARGET_SCHEMA_VERSION'),
  );
  if (usesTarget || VERSION_PARSERS.has(sets[0]?.tool ?? '')) {
    inputs.add('TARGET_SCHEMA_VERSION');
    const targets = (release?.scoped ? release.targetSchema : []).filter((t) =>
      sets.some((s) => s.path === t.set),
    );
    const only = targets.length === 1 ? targets[0] : undefined;
    extraInputs.push({
      name: 'TARGET_SCHEMA_VERSION',
      description: only
        ? only.version !== null
          ? `schema version the target release (${release?.to?.ref}) expects: ${only.version} (${only.name}), its newest migration in ${only.set} (${only.at?.file}:${only.at?.line}), computed from git`
          : `the target release (${release?.to?.ref}) has no migration in ${only.set}: revert every migration of the set`
        : 'schema version the target (older) release expects: its newest migration version',
      ...(checks[0] ? { discover: checks[0] } : {}),
      ...(only?.version ? { default: only.version } : {}),
    });
  }
  const uses = (name: string) =>
    commands.some((c) => c.argv.some((a) => typeof a !== 'string' && a.var === name));
  if (uses(MIGRATE_URL))
    extraInputs.push({
      name: MIGRATE_URL,
      description: `DATABASE_URL with x-migrations-table=${ctx.service.migrations.find((m) => m.tool === 'golang-migrate' && m.historyTable)?.historyTable?.value ?? '<table>'} in its query string: the service keeps golang-migrate's history in that table`,
    });
  if (uses('MIGRATIONS_TO_REVERT'))
    extraInputs.push({
      name: 'MIGRATIONS_TO_REVERT',
      description: 'number of migrations newer than the target release (count them in the status output)',
    });
  if (commands.some((c) => c.argv.some((a) => typeof a !== 'string' && a.var === 'CHANGESETS_TO_REVERT'))) {
    extraInputs.push({
      name: 'CHANGESETS_TO_REVERT',
      description: 'number of changesets newer than the target release',
    });
  }
  // Forward-only sets (Prisma, manifests, scripts without downs): there is nothing to run backwards.
  const withMigrations = sets.filter((m) => m.migrations.length > 0);
  const forwardOnly =
    withMigrations.length > 0 &&
    withMigrations.every((m) => m.forwardOnly || m.migrations.every((x) => !x.down));
  const when = forwardOnly
    ? `${withMigrations.map((m) => `${m.path || '.'} (${m.tool})`).join(', ')} ${withMigrations.length === 1 ? 'has' : 'have'} no down migrations: there is nothing to run backwards. The data path is to restore the backup taken at the backup gate (every write since it was taken is lost) or to write, review and apply a forward fix. ${ctx.schemaFirst ? 'The previous version cannot run on the current schema (see hazards): restore BEFORE the app rollback, or do not roll back and fix forward.' : 'If the compatibility gate passed, SKIP this step: leave the schema as it is and fix forward.'}`
    : ctx.schemaFirst
      ? 'The previous version cannot run on the current schema (see hazards): revert the schema BEFORE the app rollback. Expect errors from the current version while the schema is reverted.'
      : 'Only if the compatibility gate failed. Otherwise SKIP this step: leave the schema as it is (expand/contract) and fix forward.';
  const perMigration = 60;
  const title = forwardOnly
    ? 'Schema and data: forward-only migrations — restore the backup or fix forward'
    : ctx.schemaFirst
      ? 'Revert the schema to the target version (before the app)'
      : 'Schema and data: revert only if the old version cannot run on it';
  return {
    id: ctx.schemaFirst ? 'revert-schema-first' : 'revert-schema-if-needed',
    title,
    commands: [manual(when), ...commands],
    expectedSeconds: Math.max(120, Math.min(migrations, 10) * perMigration),
    maxSeconds: Math.max(900, Math.min(migrations, 10) * perMigration * 5),
    check: versionCheck(sets, checks[0]),
    onFailure: `Stop. Do not retry a half-applied down. Mark the incident data-impacting, call ${ctx.service.roles.dataRollback.join(', ') || 'the database owner'}, and decide between fixing the schema forward and restoring the backup taken at the backup gate. ${notes.join(' ')}`,
    touchesData: true,
    ...(!ctx.schemaFirst ? { conditional: true } : {}),
    durationBasis: `${migrations} migration(s), ~${perMigration}s each including lock waits; worst case ×5 (long locks, large tables)`,
  };
}

/**
 * Reconcile what a finding says the previous version cannot (or may not) read of what the new one
 * wrote: each item names its evidence, the step's check lists each item's check. Before the app
 * rollback (the previous version must not meet it) or after it (reconcile jobs, restores).
 */
function reconcileStep(
  ctx: PlanContext,
  items: ReconcileItem[],
  when: 'before' | 'after',
): Omit<Step, 'requiresGates'> {
  const subjects = [...new Set(items.map((i) => i.subject))];
  const unknownOnly = items.every((i) => i.unknown);
  const owners = ctx.service.roles.dataRollback.join(', ') || 'the data owner';
  return {
    id: when === 'before' ? 'reconcile-data' : 'reconcile-data-after-rollback',
    title:
      when === 'before'
        ? unknownOnly
          ? `Find out whether the previous version can read what the new one wrote: ${subjects.join(', ')}`
          : `Reconcile what the previous version cannot read of the new one's data: ${subjects.join(', ')}`
        : `After the rollback: reconcile ${subjects.join(', ')}`,
    commands: items.map((i) => manual(`${i.unknown ? 'UNKNOWN — ' : ''}${i.action} [${i.rule}]`)),
    expectedSeconds: when === 'before' ? 120 : 300,
    maxSeconds: when === 'before' ? 900 : 1800,
    check: {
      expect: items.map((i) => `${i.subject}: ${i.check}`).join('; '),
      timeoutSeconds: when === 'before' ? 900 : 1800,
      retries: 0,
      manual: true,
    },
    onFailure:
      when === 'before'
        ? `Stop before switching back: the previous version would meet data it cannot read. Mark the incident data-impacting, call ${owners}, and decide between repairing the data, restoring the backup taken at the backup step, and fixing forward.`
        : `Keep the previous version running; mark the incident data-impacting, call ${owners}, and repair from the backup taken at the backup step before rolling forward.`,
    touchesData: true,
    durationBasis:
      when === 'before'
        ? 'manual: read the evidence and check each item (worst case: repair rows)'
        : 'manual reconcile job: depends on what was written since the deploy',
  };
}

/** Manual state steps the hazards call for, placed around the app rollback. */
function hazardStep(ctx: PlanContext, kind: 'queue' | 'cache'): Omit<Step, 'requiresGates'> | undefined {
  const hs = ctx.hazards.filter(
    (h) => h.kind === kind && h.appRollbackSafe !== true && h.severity !== 'info',
  );
  if (hs.length === 0) return undefined;
  const subjects = [...new Set(hs.map((h) => h.subject))];
  if (kind === 'queue') {
    return {
      id: 'protect-queues',
      title: `Protect the queues before the old version meets new messages: ${subjects.join(', ')}`,
      commands: hs.map((h) => manual(`${h.subject}: ${h.mitigation}`)),
      expectedSeconds: 180,
      maxSeconds: 900,
      check: {
        expect:
          'no message in a format the target version cannot read is waiting for it (consumers paused or the backlog drained/parked), or the compatibility mode covers the rollback',
        timeoutSeconds: 900,
        retries: 0,
        manual: true,
      },
      onFailure:
        'If new-format messages cannot be drained or parked, do not roll back the consumer: fix forward, or roll back only after the producers are back on the old format.',
      touchesData: false,
      durationBasis: 'manual: pause consumers / drain or park the backlog',
    };
  }
  return {
    id: 'purge-new-format-cache-entries',
    title: `Purge what the new version cached: ${subjects.join(', ')}`,
    commands: hs.map((h) => manual(`${h.subject}: ${h.mitigation}`)),
    expectedSeconds: 120,
    maxSeconds: 600,
    check: {
      expect:
        'no entries written by the new version remain (or their TTL has passed); cache hit ratio recovering and the backing store coping with the misses',
      timeoutSeconds: 600,
      retries: 0,
      manual: true,
    },
    onFailure:
      'If the purge overloads the backing store, stop it and let the TTL expire the entries instead; post an update that reads may be degraded until then.',
    touchesData: false,
    durationBasis: 'manual: targeted key deletion',
  };
}

function verifyStep(ctx: PlanContext, sustainSeconds: number, status?: Command): Omit<Step, 'requiresGates'> {
  const endpoints = serviceEndpointChecks(ctx.pctx);
  const services = endpoints.length
    ? `, Service${endpoints.length === 1 ? '' : 's'} ${endpoints.map((e) => e.service.name).join(', ')} listing ready endpoints`
    : '';
  return {
    id: 'verify-recovery',
    title: 'Confirm recovery: signals back on their healthy side for the verification window',
    commands: [
      ...(status ? [status] : []),
      ...endpoints.flatMap((e) => (e.check.command ? [e.check.command] : [])),
      manual(
        `Watch the trigger signals for ${Math.round(sustainSeconds / 60)} minutes; post the "monitoring" update now.`,
      ),
    ],
    expectedSeconds: sustainSeconds,
    maxSeconds: sustainSeconds * 2,
    check: {
      expect: `every trigger signal back on its healthy side (see Verification) for ${Math.round(sustainSeconds / 60)} consecutive minutes, rollout complete${services}, synthetic checks green`,
      timeoutSeconds: sustainSeconds * 2,
      retries: 0,
      manual: true,
    },
    onFailure: `The rollback did not restore service: the cause is probably not the deploy (check dependencies, data written by the bad version, traffic). Keep ${workloadLabel(ctx)} on the target version, escalate, and post an update.`,
    touchesData: false,
    durationBasis: 'sustain window from the trigger signals',
  };
}

export interface RunbookParts {
  steps: Step[];
  inputs: Input[];
}

/** The ordered runbook: declare → (kill switch) → [schema first] → platform steps → [schema after] → verify. */
export function buildRunbook(
  ctx: PlanContext,
  rollback: PlatformRollback | undefined,
  sustainSeconds: number,
  gateInputs: Set<string>,
  gateIds: Set<string>,
): RunbookParts {
  // Order under pressure: declare → kill switch → (gates) → backup → data step → app rollback →
  // queue and cache steps → verification. The gates run just before the first step that needs them.
  const steps: Omit<Step, 'requiresGates'>[] = [announceStep(ctx)];
  const extraInputs: Input[] = [];
  const ks = killSwitchStep(ctx, sustainSeconds);
  if (ks) steps.push(ks);
  const items = ctx.touchesData ? reconcileItems(ctx) : [];
  const before = items.filter((i) => i.when === 'before');
  const after = items.filter((i) => i.when === 'after');
  if (ctx.touchesData) {
    steps.push(backupStep(ctx));
    if (schemaSets(ctx).some((m) => m.migrations.length > 0))
      steps.push(schemaStep(ctx, gateInputs, extraInputs));
    if (before.length > 0) steps.push(reconcileStep(ctx, before, 'before'));
  }
  const queues = hazardStep(ctx, 'queue');
  if (queues) steps.push(queues);
  if (rollback) {
    for (const s of rollback.steps) steps.push({ ...s, touchesData: false });
  } else {
    steps.push({
      id: 'redeploy-previous-version',
      title: 'Redeploy the previous version through the pipeline',
      commands: [
        manual(
          ctx.service.history.procedure
            ? `Recorded procedure: ${ctx.service.history.procedure}`
            : 'Re-run the deploy job of the last good version (do not rebuild: redeploy the exact artifact).',
        ),
      ],
      expectedSeconds: 900,
      maxSeconds: 2700,
      check: {
        expect: 'the pipeline finished and reports the previous version running',
        timeoutSeconds: 2700,
        retries: 0,
        manual: true,
      },
      onFailure:
        'Escalate to the service owners; rollbook could not determine how this service is deployed (see unknowns).',
      touchesData: false,
      durationBasis: 'unknown platform: a typical pipeline redeploy',
    });
  }
  if (after.length > 0) steps.push(reconcileStep(ctx, after, 'after'));
  const caches = hazardStep(ctx, 'cache');
  if (caches) steps.push(caches);
  steps.push(verifyStep(ctx, sustainSeconds, ctx.platform?.status(ctx.pctx)));

  const appGates = [
    ...PRE_GATES,
    ...(gateIds.has(GATE_IDS.artifact) ? [GATE_IDS.artifact] : []),
    ...(gateIds.has(GATE_IDS.schemaBeforeApp) ? [GATE_IDS.schemaBeforeApp] : []),
  ];
  const preData = [...PRE_GATES, ...(gateIds.has(GATE_IDS.inFlight) ? [GATE_IDS.inFlight] : [])];
  const backupGates = [...gateIds].filter(
    (id) => id === GATE_IDS.backup || id.startsWith(`${GATE_IDS.backup}-`),
  );
  const dataGates = [...preData, ...backupGates, GATE_IDS.dataVerified];
  const platformIds = new Set((rollback?.steps ?? []).map((s) => s.id).concat('redeploy-previous-version'));
  // Data the rollback does not undo, and no step changes it before the app rollback: the backup is
  // verified before the app rollback instead (the backup gate runs before anything changes).
  const firstApp = steps.findIndex((s) => platformIds.has(s.id));
  const gatedBefore = ctx.touchesData && !steps.slice(0, Math.max(0, firstApp)).some((s) => s.touchesData);
  const result: Step[] = steps.map((s) => ({
    ...s,
    requiresGates: s.touchesData
      ? dataGates
      : s.id === 'take-backup'
        ? preData
        : platformIds.has(s.id)
          ? gatedBefore
            ? [...appGates, ...backupGates]
            : appGates
          : [],
  }));
  return { steps: result, inputs: [...(rollback?.inputs ?? []), ...extraInputs] };
}
