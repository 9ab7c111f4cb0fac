/**
 * `discover` shows every item rollbook.yaml declares that changes the design, each with the line it
 * is declared on, and what discovery found where the declaration overrides it.
 */
import { describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover.js';
import { discoverJson, discoverText } from '../../src/renderers/discover.js';
import { DEPLOYMENT, tempRepo } from './helpers.js';

const DESCRIPTOR = `version: 1
service: api
owners: [team-a, team-b]
deploy:
  platform: helm
  workload: deployment/api
  namespace: prod
  context: prod-eu
  target: { app: api-prod }
artifact:
  image: ghcr.io/acme/other
state:
  migrations: { path: sql, tool: dbmate, database: postgres, version: 15 }
  flags: [{ provider: unleash, file: flags/unleash.json }]
dependencies:
  - { name: inventory-api, relation: calls }
signals:
  - { name: error-ratio, threshold: 0.02, for: 5m }
  - { name: success-rate, op: '<', threshold: 0.99 }
`;

const FILES = {
  'rollbook.yaml': DESCRIPTOR,
  'k8s/api.yaml': DEPLOYMENT('api').replace(
    'metadata:\n  name: api',
    'metadata:\n  name: api\n  namespace: shop',
  ),
  'db/migrations/1_init.up.sql': 'CREATE TABLE t (id int);\n',
  'db/migrations/1_init.down.sql': 'DROP TABLE t;\n',
  'sql/20260101000000_init.sql': '-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n',
};

describe('discover: what rollbook.yaml declares', () => {
  it('every declared item with its line; overrides say what discovery found', async () => {
    const r = await discoverRepository({ dir: tempRepo(FILES) });
    const rows = r.inputs.declared.map(
      (i) => `${i.key} ${i.value} @${i.at?.line}${i.found ? ` | found: ${i.found}` : ''}`,
    );
    expect(rows).toEqual([
      'owners team-a, team-b @3',
      'deploy.platform helm @5 | found: kubernetes (shop/deployment/api (k8s/api.yaml:2))',
      'deploy.workload deployment/api @6',
      'deploy.namespace prod @7 | found: shop (shop/deployment/api (k8s/api.yaml:2))',
      'deploy.context prod-eu @8',
      'deploy.target.app api-prod @9',
      'artifact.image ghcr.io/acme/other @11 | found: ghcr.io/acme/api (k8s/api.yaml:18)',
      "state.migrations sql (dbmate) database postgres version 15 @13 | found: db/migrations (golang-migrate), not read: the declared sets replace discovery's",
      'state.flags flags/unleash.json (unleash) @14',
      'dependencies inventory-api (calls) @16',
      'signals error-ratio > 0.02 for 5m @18',
      'signals success-rate < 0.99 @19',
    ]);
    const text = discoverText(r);
    expect(text).toContain(
      '  deploy.namespace prod  (declared in rollbook.yaml:7)\n    overrides what discovery found: shop',
    );
    const json = JSON.parse(discoverJson(r));
    expect(json.inputs.declared[0]).toEqual({
      key: 'owners',
      value: 'team-a, team-b',
      file: 'rollbook.yaml',
      line: 3,
      found: null,
    });
  });

  it('a declared workload that is not in the repository says which are', async () => {
    const r = await discoverRepository({
      dir: tempRepo({ ...FILES, 'rollbook.yaml': DESCRIPTOR.replace('deployment/api', 'deployment/gone') }),
    });
    expect(r.inputs.declared.find((i) => i.key === 'deploy.workload')?.found).toBe(
      'no such workload; the repository holds deployment/api',
    );
  });
});
