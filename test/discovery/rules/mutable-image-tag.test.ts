import { describe, expect, it } from 'vitest';
import type { ImageRef } from '../../../src/model/index.js';
import rule, { mutableTagReason } from '../../../src/rules/mutable-image-tag.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

const img = (ref: string, line: number, tag?: string, digest?: string): ImageRef => ({
  ref,
  repository: ref.split(/[:@]/)[0] as string,
  ...(tag ? { tag } : {}),
  ...(digest ? { digest } : {}),
  at: ev('k8s/deploy.yaml', line),
});

describe('mutable-image-tag', () => {
  it.each([
    [undefined, undefined, 'no tag (resolves to :latest)'],
    ['latest', undefined, 'moving tag :latest'],
    ['main', undefined, 'moving tag :main'],
    ['stable', undefined, 'moving tag :stable'],
    ['v1', undefined, 'moving tag :v1 (major or minor only; every patch release moves it)'],
    ['1.25', undefined, 'moving tag :1.25 (major or minor only; every patch release moves it)'],
    ['1.25.3', undefined, null],
    ['3f9c2e1', undefined, null],
    ['latest', 'sha256:abc', null],
    ['$' + '{TAG}', undefined, null],
  ])('tag %s digest %s → %s', (tag, digest, expected) => {
    expect(mutableTagReason({ ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) })).toBe(expected);
  });

  it('fires on workload images with moving tags, the descriptor versioning and a :latest pipeline', () => {
    const svc = service({
      workloads: [
        wl({
          images: [
            img('nginx', 20),
            img('ghcr.io/a/api:main', 21, 'main'),
            img('ghcr.io/a/api:1.2.3', 22, '1.2.3'),
          ],
        }),
      ],
      artifact: { image: 'ghcr.io/a/api', versioning: 'mutable-tag', at: ev('rollbook.yaml', 9) },
      pipelines: [
        {
          provider: 'gitlab-ci',
          file: '.gitlab-ci.yml',
          deployJob: 'deploy',
          immutableTag: false,
          at: ev('.gitlab-ci.yml', 17),
        },
      ],
    });
    expect(where(rule.check(svc))).toEqual([
      'mutable-image-tag@k8s/deploy.yaml:20 shop/deployment/api',
      'mutable-image-tag@k8s/deploy.yaml:21 shop/deployment/api',
      'mutable-image-tag@.gitlab-ci.yml:17 gitlab-ci deploy',
    ]);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('reports one image once, with every place it appears (and the declared versioning) as evidence', () => {
    const svc = service({
      workloads: [
        wl({ images: [img('ghcr.io/a/api:main', 21, 'main')] }),
        wl({ name: 'worker', images: [img('ghcr.io/a/api:main', 40, 'main')] }),
      ],
      artifact: { image: 'ghcr.io/a/api', versioning: 'mutable-tag', at: ev('rollbook.yaml', 9) },
    });
    const found = rule.check(svc);
    expect(found).toHaveLength(1);
    expect(found[0]?.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'k8s/deploy.yaml:21',
      'k8s/deploy.yaml:40',
      'rollbook.yaml:9',
    ]);
  });

  it('a :latest pipeline that deploys a workload running a moving tag is that one problem: both places, one finding', () => {
    const pipeline = (deployCommand: string) => ({
      provider: 'gitlab-ci',
      file: '.gitlab-ci.yml',
      deployJob: 'deploy_production',
      immutableTag: false,
      deployCommand,
      at: ev('.gitlab-ci.yml', 17),
    });
    const svc = (deployCommand: string) =>
      service({
        workloads: [
          wl({
            kind: 'ECSService',
            name: 'orders-worker',
            images: [img('123.dkr.ecr.eu-west-1.amazonaws.com/orders-worker:latest', 7, 'latest')],
          }),
        ],
        pipelines: [pipeline(deployCommand)],
      });
    const found = rule.check(
      svc('aws ecs update-service --cluster prod --service orders-worker --force-new-deployment'),
    );
    expect(found.map((f) => f.evidence.map((e) => `${e.file}:${e.line}`))).toEqual([
      ['k8s/deploy.yaml:7', '.gitlab-ci.yml:17'],
    ]);
    expect(found[0]?.message).toContain('.gitlab-ci.yml moves a :latest tag on every run and deploys it');
    // a pipeline deploying something else stays a finding of its own
    expect(
      where(rule.check(svc('aws ecs update-service --cluster prod --service orders-worker-v2'))),
    ).toEqual([
      'mutable-image-tag@k8s/deploy.yaml:7 shop/ecsservice/orders-worker',
      'mutable-image-tag@.gitlab-ci.yml:17 gitlab-ci deploy_production',
    ]);
  });

  it('stays quiet on digests, full versions, SHAs and SHA pipelines', () => {
    expectNone(
      rule,
      service({
        workloads: [
          wl({
            images: [
              img('a:1.2.3', 1, '1.2.3'),
              img('b@sha256:1', 2, undefined, 'sha256:1'),
              img('c:0a1b2c3d', 3, '0a1b2c3d'),
            ],
          }),
        ],
        artifact: { versioning: 'git-sha' },
        pipelines: [{ provider: 'github-actions', file: 'w.yml', immutableTag: true }],
      }),
    );
  });
});
