// Writes the JSON Schemas shipped in the package from their zod sources (run: npm run schema).
// With --check, exits 1 when a committed schema is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { descriptorJsonSchema } from '../dist/readers/descriptor-schema.js';
import { planJsonSchemaDocument } from '../dist/renderers/plan-schema.js';
import { targetJsonSchemaDocument } from '../dist/renderers/target/schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = {
  'schema/rollbook.schema.json': descriptorJsonSchema(),
  'schema/plan.schema.json': planJsonSchemaDocument(),
  'schema/target.schema.json': targetJsonSchemaDocument(),
};
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, schema] of Object.entries(files)) {
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  const path = join(root, file);
  if (check) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {}
    if (current !== text) {
      console.error(`${file} is out of date: run npm run schema`);
      stale++;
    }
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${file}`);
  }
}
process.exitCode = stale ? 1 : 0;
