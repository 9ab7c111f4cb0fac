import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { descriptorJsonSchema } from '../src/readers/descriptor-schema.js';
import { planJsonSchemaDocument } from '../src/renderers/plan-schema.js';
import { targetJsonSchemaDocument } from '../src/renderers/target/schema.js';
import { ROOT } from './helpers/cli.js';

describe('shipped JSON Schemas', () => {
  it('are generated from the zod sources (npm run schema) and up to date', () => {
    for (const [file, schema] of [
      ['schema/rollbook.schema.json', descriptorJsonSchema()],
      ['schema/plan.schema.json', planJsonSchemaDocument()],
      ['schema/target.schema.json', targetJsonSchemaDocument()],
    ] as const) {
      expect(readFileSync(join(ROOT, file), 'utf8'), `${file} is stale: run npm run schema`).toBe(
        `${JSON.stringify(schema, null, 2)}\n`,
      );
    }
  });
  it('the descriptor schema names the contract fields and platforms', () => {
    const s = descriptorJsonSchema() as {
      required: string[];
      properties: Record<string, { properties?: Record<string, { enum?: string[] }> }>;
    };
    expect(s.required).toEqual(['version', 'service']);
    expect(s.properties.deploy?.properties?.platform?.enum).toContain('argo-rollouts');
  });
  it('the package exports the schemas', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('schema');
    expect(spawnSync('node', ['scripts/gen-schema.js', '--check'], { cwd: ROOT }).status).toBe(0);
  });
});

describe('generated docs', () => {
  it('docs/platforms.md matches the platform modules (npm run docs:platforms)', () => {
    const r = spawnSync('node', ['scripts/platforms-doc.js', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
