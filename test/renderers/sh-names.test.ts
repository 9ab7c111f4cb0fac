/**
 * Names are data, never options (issue 15, item 1). Every platform's generated runbook runs with stub
 * tools that record their argv, with every name beginning with "-" (the readers refuse such names;
 * here the model is built by hand to prove the commands hold even so): no name reaches a tool as an
 * option — it comes after "--", or as the value of the option before it.
 */
import { describe, expect, it } from 'vitest';
import { PLATFORM_IDS, type PlatformId } from '../../src/model/service.js';
import { planRollback } from '../../src/planner/index.js';
import { confirmationToken, renderSh } from '../../src/renderers/sh.js';
import { everyFact, everyTargetName, service, workload } from '../platforms/helpers.js';
import { answersFor, askedVars, runScript, STUB_SCHEMA_VERSION, sandbox, stdoutFor } from './sh-harness.js';

const EVIL = '--rbevil=evil.example';

/** Options that take the next argument as their value whatever it looks like (pflag: -n VALUE). */
const TAKES_NEXT: Record<string, string[]> = { kubectl: ['-n'], helm: ['-n'], flux: ['-n'] };
/**
 * gcloud documents no end-of-options marker: the planner refuses a positional Cloud Run service
 * name that begins with "-" (as the readers do: a Cloud Run service name begins with a letter).
 */
const REFUSED: Partial<Record<PlatformId, RegExp>> = {
  'cloud-run': /Cloud Run service name "--rbevil=evil\.example" begins with "-"/,
};

function planFor(id: PlatformId) {
  // paths are absolute (a directory never begins with "-": the readers check it as a path)
  const dir = `/srv/${EVIL}`;
  const target = { ...everyTargetName(EVIL), deployTo: dir, deployDir: dir, releasesDir: `${dir}/releases` };
  const facts = everyFact(EVIL);
  const service1 = { name: EVIL, profiles: [], dependsOn: [], runsMigration: false };
  const compose = {
    dir: '',
    files: ['compose.yaml'],
    ignoredFiles: [],
    services: [service1],
    oneShot: [],
    others: [],
    volumes: [],
  };
  const w = workload(id, {
    name: EVIL,
    namespace: EVIL,
    ...facts,
    vm: { ...facts.vm, releasesDir: `${dir}/releases` },
    ...(id === 'compose' ? { compose } : {}),
  });
  const s = service({
    deploy: { platform: id, manifests: [], workload: EVIL, namespace: EVIL, target },
    workloads: [w],
  });
  return planRollback(s, []);
}

/** The calls where a name begins an argument that the tool would read as an option. */
function asOption(calls: string[][]): string[] {
  const bad: string[] = [];
  for (const call of calls) {
    const [program = '', ...args] = call;
    const end = args.indexOf('--');
    args.forEach((a, i) => {
      if (!a.startsWith(EVIL)) return;
      if (end >= 0 && i > end) return;
      if (TAKES_NEXT[program]?.includes(args[i - 1] ?? '')) return;
      bad.push(call.join(' '));
    });
  }
  return bad;
}

describe('no name reaches a tool as an option (every platform, stub tools)', () => {
  it.each(PLATFORM_IDS.map((id) => [id]))('%s', (id) => {
    const refused = REFUSED[id];
    if (refused) {
      expect(() => planFor(id)).toThrow(refused);
      return;
    }
    const plan = planFor(id);
    const sb = sandbox(plan, renderSh(plan));
    const value = (v: string) => (v === 'TARGET_SCHEMA_VERSION' ? STUB_SCHEMA_VERSION : `value-of-${v}`);
    const vars = Object.fromEntries(askedVars(plan).map((v) => [v, value(v)]));
    const r = runScript(sb, ['--yes'], answersFor(plan, value, confirmationToken(plan.service.name)), {
      RBSTUB_STDOUT: stdoutFor(plan, vars),
    });
    expect(r.status, r.stderr).toBe(0);
    // the names did reach the tools (else this test proves nothing) ...
    expect(
      r.calls.flat().some((a) => a.includes('rbevil')),
      JSON.stringify(r.calls),
    ).toBe(true);
    // ... and never as an option
    expect(asOption(r.calls)).toEqual([]);
  });
});
