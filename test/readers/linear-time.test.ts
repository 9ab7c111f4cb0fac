import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseYaml as parseDescriptorYaml, parseDuration } from '../../src/readers/descriptor.js';
import { flagRefsIn } from '../../src/readers/discovery/flags.js';
import { readChart } from '../../src/readers/discovery/helm.js';
import { chartNames, mergeValues, renderTemplate } from '../../src/readers/discovery/helm-render.js';
import { readProcfile } from '../../src/readers/discovery/heroku.js';
import {
  configTables,
  goRuns,
  migrationCommand,
  scriptRuns,
  urlTables,
} from '../../src/readers/discovery/migration-runs.js';
import { looksLikeNomad } from '../../src/readers/discovery/nomad.js';
import { readSystemdUnit } from '../../src/readers/discovery/systemd.js';
import { durationSeconds, parseYaml } from '../../src/readers/discovery/yaml.js';
import { readIgnoreDirectives } from '../../src/readers/ignore-comments.js';
import { isLiquibaseFormatted } from '../../src/readers/migrations/layouts.js';
import { neutralise } from '../../src/readers/migrations/preprocess.js';
import { readScriptMigration, referencedSqlFile } from '../../src/readers/migrations/script.js';
import { ident, showPlaceholders } from '../../src/rules/support/migration-sql.js';

/**
 * No reader takes super-linear time: each text reader runs on `prefix + unit × k` and on
 * `prefix + unit × 4k`; linear code takes about 4× as long, quadratic 16×, exponential never ends.
 * The factor allowed is generous (10×, plus a fixed slack for timer noise on a loaded machine).
 * The pathological inputs with a time budget live in bench/hostile-input.bench.js.
 */
const values = mergeValues([]);
/** Input errors are an answer too: only the time matters here. */
function settle(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    return e;
  }
}
const chartDoc = parseYaml('Chart.yaml', 'name: c\nversion: 1.0.0\n').docs[0];
const READERS: [string, (text: string) => unknown][] = [
  ['discovery YAML', (t) => parseYaml('m.yaml', t)],
  ['rollbook.yaml', (t) => settle(() => parseDescriptorYaml(t, 'rollbook.yaml'))],
  [
    'helm chart templates',
    (t) =>
      readChart({
        dir: 'c',
        chart: chartDoc!,
        templates: [{ file: 'c/templates/d.yaml', text: t }],
        crds: [],
      }),
  ],
  ['helm render', (t) => renderTemplate('d.yaml', t, values, chartNames('c'))],
  ['Procfile', (t) => readProcfile(t)],
  ['systemd unit', (t) => readSystemdUnit('app.service', `[Service]\nExecStart=${t}\n${t}`)],
  ['nomad sniff', (t) => looksLikeNomad('j.hcl', t)],
  ['flag references', (t) => flagRefsIn('a.ts', t)],
  [
    'migration commands',
    (t) => [migrationCommand(t), scriptRuns('entrypoint.sh', t), scriptRuns('Dockerfile', t)],
  ],
  [
    'go / config tables',
    (t) => [
      goRuns('cmd/main.go', `github.com/golang-migrate/migrate ${t}`),
      urlTables('a', t),
      configTables('flyway.conf', t),
    ],
  ],
  ['SQL neutralise', (t) => neutralise(t, { envsub: true })],
  [
    'script migrations',
    (t) => [readScriptMigration('1_a.js', t), referencedSqlFile(t, 'up'), isLiquibaseFormatted(t)],
  ],
  ['ignore comments', (t) => readIgnoreDirectives('a.sql', t)],
  ['placeholders', (t) => [showPlaceholders(t), ident(t)]],
  ['durations', (t) => [durationSeconds(t), parseDuration(t)]],
];

/** Pieces of the syntax the readers look for, repeated to build long lines and many lines. */
const TOKEN = fc.constantFrom(
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  'a',
  '1',
  '_',
  '-',
  '/',
  '.',
  ':',
  '"',
  "'",
  '#',
  '{',
  '}',
  '{{',
  '}}',
  '{%',
  '%}',
  'name:',
  'namespace:',
  'metadata:\n',
  'kind: ConfigMap\n',
  '---\n',
  '  labels:\n',
  'tpl_',
  '/current',
  'image:',
  'readinessProbe:\n',
  'configMapRef:\n',
  'migrate',
  'job "',
  'CMD ',
  '1h',
  '-- migrate:up',
  '{{ if .Values.x }}',
  '  a: b # c\n',
);
const UNIT = fc.array(TOKEN, { minLength: 1, maxLength: 6 }).map((t) => t.join(''));
/** Shapes that used to hang: a ConfigMap without namespace, a Secret with a comment after its name. */
const KNOWN = [
  ['kind: ConfigMap\nmetadata:\n', '    l: v\n'],
  ['kind: Secret\nmetadata:\n  name: s # c\n', '    l: v\n'],
  ['kind: Deployment\nmetadata:\n', '  \t'],
  ['', ' '],
  ['', 'tpl_a_'],
  ['', '{{'],
  ['', '1'],
] as const;

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Best of a few runs at two sizes (noise from a loaded machine goes away with the minimum). */
function grows(
  read: (text: string) => unknown,
  small: string,
  large: string,
): { a: number; b: number; ok: boolean } {
  let a = time(() => read(small));
  let b = time(() => read(large));
  for (let retry = 0; retry < 4 && b >= 10 * a + 40; retry++) {
    a = Math.min(
      a,
      time(() => read(small)),
    );
    b = Math.min(
      b,
      time(() => read(large)),
    );
  }
  return { a, b, ok: b < 10 * a + 40 };
}

function assertLinear(prefix: string, unit: string): void {
  const k = Math.max(1, Math.ceil(3000 / unit.length));
  const at = (n: number) => prefix + unit.repeat(n);
  for (const [name, read] of READERS) {
    read(prefix + unit); // warm up
    let r = grows(read, at(k), at(4 * k));
    // a one-off cost past some size (a slow path the engine takes once) is not growth: super-linear
    // time grows again from 4n to 16n, a step does not
    if (!r.ok) r = grows(read, at(4 * k), at(16 * k));
    const what = `${name} on ${JSON.stringify(prefix + unit)} × ${k}: ${r.a.toFixed(1)} ms → ${r.b.toFixed(1)} ms`;
    expect(r.ok, what).toBe(true);
  }
}

describe('readers take linear time', () => {
  it.each(KNOWN)('on the shapes that used to backtrack (%j + %j × n)', (prefix, unit) => {
    assertLinear(prefix, unit);
  });

  it('on repeated pieces of their own syntax (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('', 'kind: ConfigMap\nmetadata:\n', 'metadata:\n'), UNIT, (p, u) =>
        assertLinear(p, u),
      ),
      { numRuns: 8, seed: 15 },
    );
  });
});
