/**
 * The backup gate of a Redis or MongoDB dump checks the copied file itself: an RDB starts with the
 * signature "REDIS"; a mongodump --archive --gzip decompresses whole and starts with the archive's magic
 * number (6d e2 99 81). The check commands run here on real files (real head, gzip, od).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, plan } from '../../src/index.js';
import type { Check } from '../../src/model/plan.js';
import { dataStoreService, service, workload } from '../platforms/helpers.js';

function gateCheck(engine: string): Check {
  const svc = dataStoreService(engine);
  const g = plan(svc, analyze(svc)).gates.find((x) => x.kind === 'backup');
  if (!g) throw new Error('no backup gate');
  return g.check;
}

const dir = mkdtempSync(join(tmpdir(), 'rollbook-dumpcheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the check's argv with DB_DUMP_FILE = file; pass when every expected line pattern matches an output line. */
function passes(check: Check, file: string): boolean {
  const argv = (check.command?.argv ?? []).map((a) => (typeof a === 'string' ? a : file));
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
  const lines = r.stdout.split('\n');
  return r.status === 0 && (check.expectLines ?? []).every((re) => lines.some((l) => new RegExp(re).test(l)));
}

const archive = Buffer.concat([Buffer.from([0x6d, 0xe2, 0x99, 0x81]), Buffer.from('header and collections')]);
const files: Record<string, Buffer> = {
  'dump.rdb': Buffer.concat([Buffer.from('REDIS0011'), Buffer.from([0xfa, 0x09])]),
  'not-rdb': Buffer.from('-ERR unknown command\n'),
  'archive.gz': gzipSync(archive),
  'truncated.gz': gzipSync(archive).subarray(0, 20),
  'other.gz': gzipSync(Buffer.from('plain text')),
};
for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);

describe('the backup gate reads the dump itself', () => {
  it.each([
    ['redis', 'dump.rdb', true],
    ['redis', 'not-rdb', false],
    ['mongodb', 'archive.gz', true],
    ['mongodb', 'truncated.gz', false],
    ['mongodb', 'other.gz', false],
  ])('%s: %s → %s', (engine, name, ok) => {
    const check = gateCheck(engine);
    expect(check.freshFile).toEqual({ var: 'DB_DUMP_FILE' });
    expect(passes(check, join(dir, name))).toBe(ok);
  });
});

describe('subchart dumps through the pod (or Deployment) the bitnami chart names', () => {
  const subchart = (engine: string, pod: { name: string; how: string; at: never[]; deployment?: true }) => {
    const svc = service({
      name: 'web',
      deploy: { platform: 'kubernetes', manifests: [], workload: 'deployment/web', namespace: 'shop' },
      workloads: [
        workload('kubernetes', {
          name: 'web',
          namespace: 'shop',
          state: [{ kind: 'data-subchart', name: engine, engine, pod }],
        }),
      ],
    });
    const p = plan(svc, analyze(svc));
    return (p.runbook.find((s) => s.id === 'take-backup')?.commands ?? [])
      .filter((c) => !c.manual)
      .map((c) =>
        c.argv
          .map((a, i) => (c.argv[i - 1] === '-c' ? 'SCRIPT' : typeof a === 'string' ? a : `$${a.var}`))
          .join(' '),
      );
  };
  it.each([
    [
      'redis master StatefulSet: exec and cp pod web-redis-master-0',
      'redis',
      { name: 'web-redis-master-0', how: 'bitnami', at: [] },
      [
        'kubectl -n shop exec pod/web-redis-master-0 -- sh -c SCRIPT',
        'kubectl -n shop cp web-redis-master-0:/tmp/rollbook-dump.rdb $DB_DUMP_FILE',
      ],
    ],
    [
      'mongodb standalone Deployment: exec deploy/, the archive streamed out (kubectl cp needs a pod)',
      'mongodb',
      { name: 'web-mongodb', how: 'bitnami', at: [], deployment: true as const },
      [
        'kubectl -n shop exec deploy/web-mongodb -- sh -c SCRIPT',
        'sh -c SCRIPT sh $DB_DUMP_FILE -n shop exec deploy/web-mongodb -- cat /tmp/rollbook-dump.archive.gz',
      ],
    ],
  ])('%s', (_n, engine, pod, want) => {
    expect(subchart(engine, pod as never)).toEqual(want);
  });
});

describe('a workload holding several stores: the one dump file goes to the first, every other store is named', () => {
  const steps = (state: { kind: 'data-subchart'; name: string; engine: string }[]) => {
    const svc = service({
      name: 'web',
      deploy: { platform: 'kubernetes', manifests: [], workload: 'deployment/web', namespace: 'shop' },
      workloads: [workload('kubernetes', { name: 'web', namespace: 'shop', state })],
    });
    const p = plan(svc, analyze(svc));
    const take = p.runbook.find((s) => s.id === 'take-backup')?.commands ?? [];
    const manualGates = p.gates.filter((g) => g.kind === 'backup' && g.check.manual).map((g) => g.title);
    return {
      manual: take.flatMap((c) => (c.manual?.startsWith('Also back up') ? [c.manual] : [])),
      manualGates,
    };
  };
  it.each([
    [
      'postgres and redis subcharts: postgres is dumped, redis is named with its tool',
      [
        { kind: 'data-subchart' as const, name: 'redis', engine: 'redis' },
        { kind: 'data-subchart' as const, name: 'postgresql', engine: 'postgres' },
      ],
      [
        /^Also back up the redis of subchart redis in namespace shop: .*\(the postgres of subchart postgresql .*redis-cli --rdb/,
      ],
    ],
    [
      'a kafka subchart: no dump command, said so with what would protect it',
      [{ kind: 'data-subchart' as const, name: 'kafka', engine: 'kafka' }],
      [/^Also back up the kafka of subchart kafka in namespace shop: rollbook has no dump command for kafka/],
    ],
    [
      'one postgres subchart: nothing else to name',
      [{ kind: 'data-subchart' as const, name: 'pg', engine: 'postgres' }],
      [],
    ],
  ])('%s', (_n, state, want) => {
    const { manual, manualGates } = steps(state);
    expect(manual).toHaveLength(want.length);
    for (const [i, re] of want.entries()) expect(manual[i]).toMatch(re);
    // each named store is a backup gate a person confirms: never a silent pass
    expect(manualGates.length).toBeGreaterThanOrEqual(want.length);
  });
});
