import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { ROOT } from './cli.js';

/**
 * A validator for the vendored SARIF 2.1.0 JSON Schema (fixtures/sarif, draft-04): ajv with
 * formats. The schema's language pattern is not valid as a unicode regular expression, hence
 * unicodeRegExp: false.
 */
export function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
  // CommonJS modules: their default export is under .default
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  ajvFormats.default(ajv);
  return ajv.compile(schema);
}
