/**
 * Issue 13 item 7: `discover` lists every deploy file it read and what became of it. For each fixture
 * repository, every deploy-shaped file (manifests, values, task definitions, compose files and their
 * .env files, pipelines, Procfiles, units, Nomad jobs) is in the list, unless git ignores it.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover.js';
import { SHAPES } from '../shapes/helpers.js';

/** Files the fixtures' own .gitignore excludes: never read, so never listed. */
const GITIGNORED: Record<string, string[]> = { 'shop-monorepo': ['tmp/scratch-deployment.yaml'] };

const DEPLOY_SHAPED = /\.(ya?ml|json|hcl|nomad|service|tpl)$|(^|\/)(Procfile|\.env(\.[^/]+)?)$/;

function filesOf(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesOf(p, root) : [relative(root, p)];
  });
}

describe('discover accounts for every deploy file of each fixture', () => {
  it.each(readdirSync(SHAPES).sort())('%s', async (name) => {
    const r = await discoverRepository({ dir: join(SHAPES, name) });
    const listed = new Set(r.deployFiles.map((f) => f.file));
    const flagFiles = new Set(r.discovery.flagSources.map((s) => s.file));
    const missing = filesOf(join(SHAPES, name))
      // rollbook.yaml is rollbook's own descriptor, read by loadService, not a deploy file
      .filter((f) => DEPLOY_SHAPED.test(f) && !flagFiles.has(f) && f !== 'rollbook.yaml')
      .filter((f) => !listed.has(f) && !(GITIGNORED[name] ?? []).includes(f));
    expect(missing).toEqual([]);
    // and each listed file says what became of it
    for (const f of r.deployFiles)
      expect(f.status === 'workload' || f.status === 'chosen' || f.notes.length > 0, f.file).toBe(true);
  });

  it('pipelines say which job deploys; a compose project names the .env files it does not use', async () => {
    const zoo = await discoverRepository({ dir: join(SHAPES, 'platform-zoo') });
    expect(zoo.deployFiles.find((f) => f.file === '.gitlab-ci.yml')?.notes).toEqual([
      'gitlab-ci pipeline: deploy job deploy_production; migrates before deploying',
    ]);
    const compose = await discoverRepository({ dir: join(SHAPES, 'compose-app') });
    expect(compose.deployFiles.find((f) => f.file === 'deploy/.env.example')).toMatchObject({
      status: 'ignored',
      notes: ['.env.example: docker compose reads only .env (or --env-file)'],
    });
  });
});
