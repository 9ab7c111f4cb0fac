import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { RollbookError } from '../../errors.js';
import type { Evidence } from '../../model/service.js';
import type { MigrationSpec } from './index.js';

/**
 * `state.migrations` from rollbook.yaml, located. Interim reader for `migrations analyze`
 * until the descriptor reader (src/readers/descriptor.ts) provides it: it reads only this key.
 */
export function readMigrationSpecs(root: string): MigrationSpec[] {
  const name = ['rollbook.yaml', 'rollbook.yml'].find((n) => existsSync(join(root, n)));
  if (!name) return [];
  const text = readFileSync(join(root, name), 'utf8');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const where = (offset: number): Evidence => {
    const p = lc.linePos(offset);
    return { file: name, line: p.line, col: p.col };
  };
  if (doc.errors.length > 0)
    throw new RollbookError(
      'YAML_SYNTAX',
      doc.errors.map((e) => ({ message: e.message.split('\n')[0] as string, at: where(e.pos[0]) })),
    );
  const node = doc.getIn(['state', 'migrations'], true) as YamlNode | undefined;
  if (!node) return [];
  const items = isSeq(node) ? node.items : [node];
  const specs: MigrationSpec[] = [];
  for (const item of items) {
    const at = where((item as YamlNode)?.range?.[0] ?? 0);
    if (!isMap(item))
      throw new RollbookError('INVALID_CONFIG', [
        {
          message: 'state.migrations must be a mapping (or a list of mappings)',
          path: 'state.migrations',
          at,
        },
      ]);
    const spec: MigrationSpec = { at };
    for (const pair of item.items) {
      const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
      const valNode = pair.value as (YamlNode & { value?: unknown }) | null;
      const value = valNode?.value;
      const vat = where(valNode?.range?.[0] ?? 0);
      if (key === 'tool' || key === 'path' || key === 'database') {
        if (typeof value !== 'string')
          throw new RollbookError('INVALID_CONFIG', [
            { message: `must be a string`, path: `state.migrations.${key}`, at: vat },
          ]);
        spec[key] = value;
      } else if (key === 'version') {
        const n = typeof value === 'number' ? value : Number(value);
        if (!Number.isInteger(n) || n < 9)
          throw new RollbookError('INVALID_CONFIG', [
            {
              message: 'must be a PostgreSQL major version',
              path: 'state.migrations.version',
              at: vat,
              expected: 'an integer such as 15',
            },
          ]);
        spec.version = n;
      }
    }
    specs.push(spec);
  }
  return specs;
}
