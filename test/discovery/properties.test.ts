import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollbookError } from '../../src/errors.js';
import { discover } from '../../src/readers/discover.js';
import { formatImage, parseImage } from '../../src/readers/discovery/image.js';
import { parseYaml } from '../../src/readers/discovery/yaml.js';
import { tempRepo } from './helpers.js';

const segment = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?$/);

describe('reader properties', () => {
  it('image references round-trip through parse/format, ports are never tags', () => {
    fc.assert(
      fc.property(
        fc.option(fc.tuple(segment, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })), {
          nil: undefined,
        }),
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined }),
        fc.option(fc.stringMatching(/^sha256:[0-9a-f]{64}$/), { nil: undefined }),
        (registry, path, tag, digest) => {
          const host = registry ? `${registry[0]}.io${registry[1] ? `:${registry[1]}` : ''}/` : '';
          const repository = `${host}${path.join('/')}`;
          const ref = formatImage(repository, tag, digest);
          const img = parseImage(ref);
          expect(img.repository).toBe(repository);
          expect(img.tag).toBe(tag);
          expect(img.digest).toBe(digest);
        },
      ),
    );
  });

  it('parseYaml never throws and locates every kept document, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const r = parseYaml('f.yaml', text);
        for (const d of r.docs) expect(d.at(['a', 0, 'b']).line).toBeGreaterThanOrEqual(1);
        for (const u of r.unknowns) expect(u.subject).toBe('f.yaml');
      }),
      { numRuns: 300 },
    );
  });

  it('discover never throws on arbitrary manifest-shaped YAML', async () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 8 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(
          fc.constantFrom(
            'spec',
            'template',
            'containers',
            'image',
            'replicas',
            'strategy',
            'name',
            'metadata',
            'resources',
            'images',
          ),
          tie('v'),
          { maxKeys: 4 },
        ),
      ),
    })).v;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'Deployment',
          'StatefulSet',
          'Rollout',
          'Application',
          'HelmRelease',
          'Kustomization',
          'List',
          'AnalysisTemplate',
        ),
        fc.constantFrom(
          'apps/v1',
          'argoproj.io/v1alpha1',
          'helm.toolkit.fluxcd.io/v2',
          'kustomize.toolkit.fluxcd.io/v1',
          'v1',
        ),
        value,
        value,
        async (kind, apiVersion, spec, kust) => {
          const dir = tempRepo({
            'a/deploy.yaml': JSON.stringify({ apiVersion, kind, metadata: { name: 'x' }, spec, items: spec }),
            'a/kustomization.yaml': JSON.stringify(
              typeof kust === 'object' && kust !== null
                ? { resources: ['deploy.yaml'], ...kust }
                : { resources: ['deploy.yaml'] },
            ),
          });
          try {
            const d = await discover(dir);
            expect(d.files).toBe(2);
          } catch (e) {
            // an out-of-range number (e.g. replicas: -1) or an invalid name: an input error, located
            if (!(e instanceof RollbookError) || !['INVALID_NAME', 'INVALID_NUMBER'].includes(e.code))
              throw e;
            for (const p of e.problems) expect(p.at?.file).toMatch(/^a\//);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('discover never throws on arbitrary bytes in any file it reads, except a located invalid name', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 400 }),
        fc.string({ maxLength: 200 }),
        fc.constantFrom(
          'a.yaml',
          'task.json',
          'Procfile',
          'app.service',
          'job.nomad',
          'Chart.yaml',
          'kustomization.yaml',
          '.gitlab-ci.yml',
          'app.json',
        ),
        async (bytes, text, name) => {
          const dir = tempRepo({
            [`x/${name}`]: Buffer.from(bytes),
            [`y/${name}`]: text,
            'chart/Chart.yaml': 'name: c',
            'chart/templates/t.yaml': text,
          });
          try {
            const d = await discover(dir);
            expect(d.files).toBe(4);
          } catch (e) {
            // a name that would become a command argument and is not valid: an input error, located
            if (!(e instanceof RollbookError) || !['INVALID_NAME', 'INVALID_NUMBER'].includes(e.code))
              throw e;
            for (const p of e.problems) expect(p.at?.file).toMatch(/^(x|y|chart)\//);
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
