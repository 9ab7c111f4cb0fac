/**
 * `init`'s descriptor passes `plan` as written, and again once its TODOs are filled with the values
 * they show: on an Argo CD-managed Argo Rollouts canary (shop-monorepo's storefront) and on a Helm
 * chart with no namespace (postgres-chart). Library path (initDescriptor → loadService → plan): the
 * CLI side of init is covered by cli.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument, parse as parseYaml } from 'yaml';
import { analyze, initDescriptor, loadService, plan } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import { fixtureCopy } from '../helpers/cli.js';
import { commands } from '../shapes/helpers.js';
import { DEPLOYMENT, SHOP, tempRepo } from './helpers.js';

const POSTGRES_CHART = join(SHOP, '../postgres-chart');
const GITOPS_APPSET = join(SHOP, '../gitops-appset');
const temps: (() => void)[] = [];
afterAll(() => {
  for (const c of temps) c();
});

const copyOf = (fixture: string) => fixtureCopy(fixture, temps);

async function initAndPlan(dir: string, workload?: string): Promise<{ text: string; design: Plan }> {
  const r = await initDescriptor({ dir, ...(workload ? { workload } : {}) });
  writeFileSync(r.target, r.text);
  // no --workload from here on: the descriptor alone selects the workload
  const service = await loadService(dir, { release: false });
  return { text: r.text, design: plan(service, analyze(service)) };
}

/**
 * Fill the TODOs with what they show: uncomment the commented blocks (signals, roles, comms, history), set
 * owners, and the deploy fields the TODO comments name.
 */
function fillTodos(text: string, deploy: Record<string, unknown>): string {
  const uncommented = text
    .split('\n')
    .map((l) => (/^# (signals:|roles:|comms:|history:| {2})/.test(l) ? l.slice(2) : l))
    .join('\n');
  const doc = parseDocument(uncommented);
  doc.set('owners', ['team-platform']);
  for (const [k, v] of Object.entries(deploy)) doc.setIn(['deploy', k], v);
  return doc.toString({ lineWidth: 0 });
}

const unknownSubjects = (p: Plan) => p.unknowns.map((u) => u.subject);

describe('init → plan without edits beyond the TODOs', () => {
  it('an Argo CD-managed Rollout: the application, the namespace and the signal with its direction', async () => {
    const dir = copyOf(SHOP);
    const { text, design } = await initAndPlan(dir, 'services/storefront/rollout.yaml');
    const doc = parseYaml(text);
    expect(doc.deploy).toMatchObject({
      platform: 'argo-rollouts',
      workload: 'rollout/storefront',
      namespace: 'web',
      target: { app: 'storefront' },
    });
    expect(doc.signals).toEqual([expect.objectContaining({ threshold: 0.95, op: '<', for: '3m' })]);
    expect(text).toContain('# TODO context:');
    expect(text).not.toContain('TODO namespace');
    // checkout's migrations sit with checkout: not written for the storefront, not planned for it
    expect(doc.state?.migrations).toBeUndefined();

    expect(design.service.workload).toBe('rollout/storefront');
    expect(design.risk).toBe('low');
    expect(commands(design)).toEqual(
      expect.arrayContaining([
        'argocd app set --sync-policy none -- storefront',
        'kubectl argo rollouts abort -n web -- storefront',
        'argocd app set --sync-policy automated -- storefront',
      ]),
    );
    expect(commands(design).join('\n')).not.toContain('services/checkout/db/migrations');
    expect(design.trigger.criteria.map((c) => c.signal)).toContain('storefront-success-rate/success-rate');
    // the pipeline that migrates them deploys checkout: bound to checkout with evidence, not an unknown here
    expect(unknownSubjects(design)).not.toContain('migration sets');
    expect(unknownSubjects(design)).not.toContain('workload');

    writeFileSync(join(dir, 'rollbook.yaml'), fillTodos(text, { context: 'prod-eu' }));
    const filled = await loadService(dir, { release: false });
    const p = plan(filled, analyze(filled));
    expect(commands(p)).toContain('kubectl argo rollouts abort --context=prod-eu -n web -- storefront');
    for (const gone of ['kube context', 'who may roll back', 'incident channel', 'past rollbacks'])
      expect(unknownSubjects(p)).not.toContain(gone);
  });

  it('a Helm chart without a namespace: TODOs for namespace and context; filled, helm gets -n and --kube-context', async () => {
    const dir = copyOf(POSTGRES_CHART);
    const { text, design } = await initAndPlan(dir);
    const doc = parseYaml(text);
    expect(doc.deploy).toMatchObject({
      platform: 'helm',
      workload: 'statefulset/postgres',
      manifests: ['.'],
    });
    expect(doc.deploy.namespace).toBeUndefined();
    expect(text).toContain('# TODO namespace:');
    expect(text).toContain('# TODO context:');

    expect(design.risk).toBe('high');
    expect(commands(design)).toContain(
      'helm rollback -n "${HELM_NAMESPACE}" --wait --timeout 300s -- postgres "${HELM_REVISION}"',
    );

    writeFileSync(join(dir, 'rollbook.yaml'), fillTodos(text, { namespace: 'db', context: 'prod-eu' }));
    const filled = await loadService(dir, { release: false });
    const p = plan(filled, analyze(filled));
    expect(commands(p)).toContain(
      'helm rollback --kube-context=prod-eu -n db --wait --timeout 300s -- postgres "${HELM_REVISION}"',
    );
    expect(unknownSubjects(p)).not.toContain('kube context');
    expect(unknownSubjects(p)).not.toContain('who may roll back');
  });

  it('an ApplicationSet whose Application name needs the clusters: a TODO for deploy.target.app; filled, the commands name it', async () => {
    const dir = copyOf(GITOPS_APPSET);
    const { text, design } = await initAndPlan(dir, 'apps/payments/overlays/prod');
    expect(parseYaml(text).deploy.target).toBeUndefined();
    expect(text).toContain('# TODO target.app: ApplicationSet payments generates the Application that syncs');
    expect(text).not.toContain('# TODO context:'); // argocd talks to its server, not to a kube context
    expect(design.inputs.map((i) => i.name)).toContain('ARGOCD_APP');

    writeFileSync(join(dir, 'rollbook.yaml'), fillTodos(text, { target: { app: 'payments-prod-eu' } }));
    const filled = await loadService(dir, { release: false });
    const p = plan(filled, analyze(filled));
    expect(commands(p)).toContain('argocd app set --sync-policy none -- payments-prod-eu');
    expect(p.inputs.map((i) => i.name)).not.toContain('ARGOCD_APP');
    expect(unknownSubjects(p)).not.toContain('Argo CD application');
  });
});

/** The flag facts of a design: flag hazards (rule — subject) and the kill-switch step. */
const flagFacts = (p: Plan) => [
  ...p.hazards
    .filter((h) => h.kind === 'flag')
    .map((h) => `${h.rule} — ${h.subject}`)
    .sort(),
  ...p.runbook.filter((st) => st.id === 'try-kill-switch').map((st) => `step: ${st.title}`),
];

describe('init writes the flags bound to the chosen workload only, with their evidence', () => {
  it("shop-monorepo checkout-api: the root flagd file's keys bound to it, named by workloads:, each with why", async () => {
    const dir = copyOf(SHOP);
    const { text, design } = await initAndPlan(dir, 'deployment/checkout-api');
    expect(parseYaml(text).state.flags).toEqual([
      {
        provider: 'flagd',
        file: 'flags/flags.json',
        keys: ['checkout-kill-switch', 'new-checkout-flow'],
        workloads: ['deployment/checkout-api'],
      },
    ]);
    expect(text).toContain(
      '# checkout-kill-switch: its key prefix "checkout-" names checkout-api (no other evidence)',
    );
    expect(text).toContain(
      '# new-checkout-flow: evaluated in services/checkout/src/checkout.ts:6, under services/checkout/base',
    );
    expect(flagFacts(design)).toEqual([
      'flag-missing-from-file — dynamic-pricing',
      'flag-missing-from-file — express-pay',
      'flag-state-not-restored — flagd flags/flags.json',
      'kill-switch-available — checkout-kill-switch',
      'step: Turn the kill switch off first: the fastest mitigation',
    ]);
    expect(unknownSubjects(design).filter((u) => u.startsWith('flags in'))).toEqual([]);
    // the descriptor names checkout-api: --workload picking another workload does not carry its flags along
    const other = await loadService(dir, { release: false, workload: 'statefulset/inventory' });
    expect(flagFacts(plan(other, analyze(other)))).toEqual(['flag-missing-from-file — dynamic-pricing']);
  });

  it('shop-monorepo inventory: no flag file written, a note says whose they are', async () => {
    const dir = copyOf(SHOP);
    const { text, design } = await initAndPlan(dir, 'statefulset/inventory');
    expect(parseYaml(text).state?.flags).toBeUndefined();
    expect(text).toContain(
      '# Flags of other workloads (not written): flags/flags.json: checkout-kill-switch (deployment/checkout-api), new-checkout-flow (deployment/checkout-api, deployment/staging-checkout-api)',
    );
    // libs/pricing is no workload's: its flag missing from every file is reported here too
    expect(flagFacts(design)).toEqual(['flag-missing-from-file — dynamic-pricing']);
  });

  it('a flag bound to no workload: a TODO with the line that binds it; filled as shown, plan binds it', async () => {
    const flags = JSON.stringify({
      $schema: 'https://flagd.dev/schema/v0/flags.json',
      flags: {
        'alpha-new-ui': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
        'beta-batch-size': { state: 'ENABLED', variants: { small: 10, big: 100 }, defaultVariant: 'small' },
        'kill-everything': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
      },
    });
    const dir = tempRepo({
      'deploy/alpha/deployment.yaml': DEPLOYMENT('alpha'),
      'deploy/beta/deployment.yaml': DEPLOYMENT('beta'),
      'flags/flags.json': flags,
      'alpha/src/ui.ts': "export const on = await client.getBooleanValue('alpha-new-ui', false);\n",
    });
    const { text, design } = await initAndPlan(dir, 'deployment/alpha');
    expect(parseYaml(text).state.flags).toEqual([
      {
        provider: 'flagd',
        file: 'flags/flags.json',
        keys: ['alpha-new-ui'],
        workloads: ['deployment/alpha'],
      },
    ]);
    expect(text).toContain(
      '# Flags of other workloads (not written): flags/flags.json: beta-batch-size (deployment/beta)',
    );
    const todo =
      '#   - { provider: flagd, file: flags/flags.json, keys: [kill-everything], workloads: [deployment/alpha] }  # kill switch: kill-everything';
    expect(text).toContain(todo);
    // the unbound kill switch is not attached: an unknown, the same line to add
    expect(flagFacts(design)).toEqual(['flag-state-not-restored — flagd flags/flags.json']);
    expect(design.unknowns.find((u) => u.subject === 'flags in flags/flags.json')?.reason).toContain(
      'keys: [kill-everything], workloads: [deployment/alpha] }',
    );

    // the TODO filled as it says: the line added under state.flags
    const doc = parseDocument(text);
    doc.addIn(['state', 'flags'], parseYaml(todo.slice(5).replace(/ {2}#.*$/, '')));
    writeFileSync(join(dir, 'rollbook.yaml'), doc.toString());
    const filled = await loadService(dir, { release: false });
    const p = plan(filled, analyze(filled));
    expect(flagFacts(p)).toEqual([
      'flag-state-not-restored — flagd flags/flags.json',
      'kill-switch-available — kill-everything',
      'step: Turn the kill switch off first: the fastest mitigation',
    ]);
    expect(unknownSubjects(p).filter((u) => u.startsWith('flags in'))).toEqual([]);
  });

  it('several workloads, none chosen: no flag declaration (it would bind to none), a TODO', async () => {
    const dir = copyOf(SHOP);
    const r = await initDescriptor({ dir });
    expect(parseYaml(r.text).state?.flags).toBeUndefined();
    expect(r.text).toContain(
      '# TODO flags: flags/flags.json (flagd) hold flags of several workloads; once deploy.workload is chosen, run rollbook init --workload NAME',
    );
  });
});
