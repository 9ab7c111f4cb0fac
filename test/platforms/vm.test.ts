import { describe, expect, test } from 'vitest';
import { vm } from '../../src/platforms/vm.js';
import { byRule, ctxOf, m, renderCommand, rules, runbook } from './helpers.js';

const host = (
  facts: { host?: string; deployTo?: string; releasesDir?: string; unit?: string } = {
    host: 'app-1.internal',
    releasesDir: '/srv/shop/releases',
    unit: 'shop.service',
  },
  settings = {},
) => {
  const { host, deployTo, unit, releasesDir } = facts;
  return ctxOf(
    'vm',
    {
      kind: 'SystemdService',
      name: 'shop',
      ...(unit ? { vm: { unit, ...(releasesDir ? { releasesDir } : {}) } } : {}),
    },
    settings,
    {
      deploy: {
        manifests: [],
        target: {
          ...(host ? { host } : {}),
          ...(deployTo ? { deployTo } : {}),
          ...(!unit && releasesDir ? { releasesDir } : {}),
        },
      },
    },
  );
};

describe('vm', () => {
  test('atomic swap: ln -s to current.tmp then mv -T, as separate argv commands; then restart', () => {
    const r = vm.rollback(host());
    expect(r.oneCommand).toBe(false);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=false
      start: env -C /srv/shop ln -s -- "\${TARGET_RELEASE}" current.tmp
      input TARGET_RELEASE: env -C /srv/shop find releases -mindepth 1 -maxdepth 1 -type d
      [swap-current-symlink] 2s/10s
        ro $ env -C /srv/shop test -d "\${TARGET_RELEASE}"
        rw $ env -C /srv/shop ln -s -- "\${TARGET_RELEASE}" current.tmp
        rw $ env -C /srv/shop mv -T -- current.tmp current
        check $ env -C /srv/shop readlink current (timeout 10s, retries 0)
      [restart-service] 5s/180s
        rw $ systemctl restart -- shop.service
        check $ systemctl is-active --quiet -- shop.service (timeout 10s, retries 3)"
    `);
    const swap = r.steps[0]!;
    expect(swap.commands.map((c) => c.argv.filter((a) => typeof a === 'string').slice(3, 5))).toEqual([
      ['test', '-d'],
      ['ln', '-s'],
      ['mv', '-T'],
    ]);
    expect(r.steps.flatMap((s) => s.commands).some((c) => c.argv.includes('-sfn'))).toBe(false);
  });

  test('history and status', () => {
    expect(renderCommand(vm.history(host()))).toBe('env -C /srv/shop ls -1t releases');
    expect(renderCommand(vm.status(host()))).toBe('systemctl is-active -- shop.service');
  });

  test('unknown unit and deploy dir are inputs', () => {
    const r = vm.rollback(host({}));
    expect(r.inputs.map((i) => i.name)).toEqual(['SYSTEMD_UNIT', 'DEPLOY_DIR', 'TARGET_RELEASE']);
    expect(renderCommand(r.inputs[1]!.discover!)).toBe(
      `systemctl show --property=WorkingDirectory -- "\${SYSTEMD_UNIT}"`,
    );
  });

  test('duration from systemd timeouts', () => {
    const d = vm.duration(
      host(undefined, { restartSeconds: m(8), terminationGracePeriodSeconds: m(20), startupSeconds: m(30) }),
    );
    expect([d.expectedSeconds, d.maxSeconds]).toEqual([8, 50]);
    const def = vm.duration(host());
    expect([def.expectedSeconds, def.maxSeconds]).toEqual([5, 180]);
  });

  test('hazards: shared dirs, pruned releases', () => {
    const h = vm.hazards(host());
    expect(rules(h)).toEqual(['vm-release-pruned', 'vm-shared-dirs']);
    expect(byRule(h, 'vm-shared-dirs').subject).toBe('/srv/shop/shared');
  });
});

describe('vm: releases directory outside the deploy directory', () => {
  test('is used as an absolute path, independent of the working directory', () => {
    const ctx = host({ deployTo: '/srv/shop', releasesDir: '/data/releases', unit: 'shop.service' });
    expect(renderCommand(vm.history(ctx))).toBe('env -C /srv/shop ls -1t /data/releases');
    const rel = host({ deployTo: 'relative/dir', releasesDir: 'other/releases', unit: 'shop.service' });
    expect(renderCommand(vm.history(rel))).toBe('env -C relative/dir ls -1t other/releases');
  });
});
