import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrationRules } from '../../src/analyze-migrations.js';
import { loadParser } from '../../src/readers/migrations/parse.js';
import { RULES } from '../../src/rules/index.js';
import { findingsOf } from '../helpers/rules.js';
import { migrationService } from './helpers.js';

const DOCS = join(import.meta.dirname, '../../docs/rules');
const IDS = [
  'add-constraint',
  'add-required-column',
  'alter-column-type',
  'catalog-manipulation',
  'contract-in-same-release',
  'data-backfill',
  'drop-column',
  'drop-default',
  'drop-index',
  'drop-not-null',
  'drop-table',
  'enum-add-value',
  'enum-rename-value',
  'lossy-down',
  'migration-edited-after-release',
  'missing-down',
  'non-concurrent-index',
  'rename-column',
  'rename-table',
  'replace-function-or-view',
  'set-not-null',
  'truncate',
];
/** Examples that need a second file (an earlier migration or a down) or a release window to fire. */
const NEEDS_CONTEXT = new Set([
  'contract-in-same-release',
  'lossy-down',
  'migration-edited-after-release',
  'missing-down',
  'replace-function-or-view',
]);

beforeAll(async () => {
  await loadParser();
});

describe('migration rules: registry, docs and examples', () => {
  it('every contract id is registered, with scope "migration", in sorted order', () => {
    const ids = migrationRules().map((r) => r.meta.id);
    expect(ids).toEqual(IDS);
    const all = RULES.map((r) => r.meta.id);
    expect(all).toEqual([...all].sort());
  });

  it.each(IDS)('%s has its doc page with the fixed headings', (id) => {
    const file = join(DOCS, `${id}.md`);
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(`# ${id}`);
    expect(text.match(/^## .*/gm)).toEqual(['## Problem', '## Rollback impact', '## Fix', '## Example']);
  });

  it.each(IDS.filter((id) => !NEEDS_CONTEXT.has(id)))('%s: the documented example is reported', (id) => {
    const text = readFileSync(join(DOCS, `${id}.md`), 'utf8');
    const sql = /```sql\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
    const rule = RULES.find((r) => r.meta.id === id);
    expect(rule).toBeDefined();
    if (rule) expect(findingsOf(rule, migrationService(sql)).length).toBeGreaterThan(0);
  });
});
