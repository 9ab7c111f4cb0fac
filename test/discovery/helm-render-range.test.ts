/**
 * rollbook's own rendering of `range` loops (no helm): a map iterates in sorted key order, a list in
 * order; `$key`/`$value` variables, `.` bound to the element, `$` to the root; `if`/`with` inside
 * the loop evaluated against the element; `{{ else }}` of an empty range; variables assigned with
 * `:=`. What it cannot evaluate is a placeholder and listed as approximated, never a silent value.
 */
import { describe, expect, it } from 'vitest';
import { chartNames, mergeValues, renderTemplate } from '../../src/readers/discovery/helm-render.js';
import { parseYaml } from '../../src/readers/discovery/yaml.js';

const VALUES = [
  'base: 1',
  'workers:',
  '  zeta: { enabled: true, replicas: 2 }',
  '  alpha: { enabled: true }',
  '  off: { enabled: false, replicas: 9 }',
  'jobs:',
  '  - name: one',
  '    every: 5',
  '  - name: two',
  'empty: []',
].join('\n');
const values = mergeValues([parseYaml('values.yaml', VALUES).docs[0] as never]);
const render = (tpl: string) => renderTemplate('t.yaml', tpl, values, chartNames('app', 'rel'));

describe('range in rollbook’s renderer', () => {
  it.each([
    [
      'map: sorted keys, key and value variables, if on the element, $ the root',
      [
        '{{- range $name, $w := .Values.workers }}',
        '{{- if $w.enabled }}',
        '- {{ include "app.fullname" $ }}-{{ $name }}={{ $w.replicas | default $.Values.base }}',
        '{{- end }}',
        '{{- end }}',
      ],
      ['- rel-app-alpha=1', '- rel-app-zeta=2'],
    ],
    [
      'list: `.` is the item, in order; a missing field takes the default',
      ['{{- range .Values.jobs }}', '- {{ .name }}:{{ .every | default 60 }}', '{{- end }}'],
      ['- one:5', '- two:60'],
    ],
    [
      'index and element variables; with $ rebinds the root',
      [
        '{{- range $i, $j := .Values.jobs }}',
        '{{- with $ }}',
        '- {{ $i }}-{{ $j.name }}-{{ .Release.Name }}',
        '{{- end }}',
        '{{- end }}',
      ],
      ['- 0-one-rel', '- 1-two-rel'],
    ],
    [
      'an empty range renders its else',
      ['{{- range .Values.empty }}', '- item', '{{- else }}', '- none', '{{- end }}'],
      ['- none'],
    ],
    [
      'nested ranges and a variable assigned in the loop',
      [
        '{{- range $name, $w := .Values.workers }}',
        '{{- $n := $name }}',
        '{{- range $.Values.jobs }}',
        '- {{ $n }}/{{ .name }}',
        '{{- end }}',
        '{{- end }}',
      ],
      ['- alpha/one', '- alpha/two', '- off/one', '- off/two', '- zeta/one', '- zeta/two'],
    ],
  ])('%s', (_, tpl, want) => {
    const r = render(tpl.join('\n'));
    expect(r.text.split('\n').filter((l) => l.trim())).toEqual(want);
    expect(r.approximated).toEqual([]);
  });

  it('cites the values line of the element a value came from', () => {
    const r = render(
      ['{{- range $name, $w := .Values.workers }}', 'r: {{ $w.replicas | default 1 }}', '{{- end }}'].join(
        '\n',
      ),
    );
    expect(r.text.split('\n')).toEqual(['r: 1', 'r: 9', 'r: 2']);
    expect(r.lines.map((l) => `${l.file}:${l.line}`)).toEqual(['t.yaml:2', 'values.yaml:5', 'values.yaml:3']);
    expect(r.loops.map((l) => [l.line, l.end, l.keys.join(',')])).toEqual([[1, 3, 'alpha,off,zeta']]);
  });

  it.each([
    [
      'an unknown function',
      '{{- range .Values.jobs }}\n- {{ .name | sha256sum }}\n{{- end }}',
      't.yaml:2: {{ .name | sha256sum }}',
    ],
    ['tpl', '{{- range .Values.jobs }}\n- {{ tpl .name $ }}\n{{- end }}', 't.yaml:2: {{ tpl .name $ }}'],
    [
      'an include of a helper it cannot resolve',
      '{{- range .Values.jobs }}\n- {{ include "app.cmd" . }}\n{{- end }}',
      't.yaml:2: {{ include "app.cmd" . }}',
    ],
    [
      'a condition it cannot evaluate',
      '{{- range .Values.jobs }}\n{{- if semverCompare ">=1.2" $.Capabilities.KubeVersion.Version }}\n- x\n{{- end }}\n{{- end }}',
      't.yaml:2: {{ if semverCompare ">=1.2" $.Capabilities.KubeVersion.Version }}',
    ],
    [
      'a range over something not in the values',
      '{{- range until 3 }}\n- x\n{{- end }}',
      't.yaml:1: {{ range until 3 }}',
    ],
  ])('%s is approximated and named', (_, tpl, want) => {
    const r = render(tpl);
    expect(r.approximated).toEqual([want]);
    expect(r.loops.flatMap((l) => l.approximated)).toEqual(r.loops.length ? [want] : []);
  });

  it('nested loops that multiply past the budget stop and say so', () => {
    const big = mergeValues([
      parseYaml('values.yaml', `l: [${Array.from({ length: 150 }, (_, i) => i).join(', ')}]`)
        .docs[0] as never,
    ]);
    const tpl = [
      ...Array.from({ length: 4 }, () => '{{- range $.Values.l }}'),
      '- x',
      ...Array.from({ length: 4 }, () => '{{- end }}'),
    ].join('\n');
    const r = renderTemplate('t.yaml', tpl, big, chartNames('app'));
    expect(r.approximated.some((a) => a.includes('stopped after 200000 template lines'))).toBe(true);
  });
});
