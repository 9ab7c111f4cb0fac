/**
 * Facts of a chart attached to the chart's own workload only (issue 13 item 4): the workload named
 * like the release, the HPA whose scaleTargetRef names it, the PDB whose selector matches its pod
 * labels (selectorLabels helpers expanded from _helpers.tpl), an HPA turned off by its values guard
 * not attached; what cannot be evaluated is an unknown about this workload.
 */
import { describe, expect, it } from 'vitest';
import { readChart } from '../../src/readers/discovery/helm.js';
import { parseYaml } from '../../src/readers/discovery/yaml.js';

const HELPERS = `{{- define "app.fullname" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: app
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
`;

function deployment(suffix: string, extraLabel: string, period: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}${suffix}
spec:
  replicas: 2
  selector:
    matchLabels:
      {{- include "app.selectorLabels" . | nindent 6 }}${extraLabel ? `\n      ${extraLabel}` : ''}
  template:
    metadata:
      labels:
        {{- include "app.selectorLabels" . | nindent 8 }}${extraLabel ? `\n        ${extraLabel}` : ''}
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/app:1.0.0
          readinessProbe:
            httpGet: { path: /ready, port: 8080 }
            periodSeconds: ${period}
`;
}

function hpa(suffix: string, max: number, guard = false): string {
  return `${guard ? '{{- if .Values.autoscaling.enabled }}\n' : ''}apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "app.fullname" . }}${suffix}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "app.fullname" . }}${suffix}
  minReplicas: 2
  maxReplicas: ${max}
${guard ? '{{- end }}\n' : ''}`;
}

function pdb(suffix: string, extraLabel: string, helper = 'app.selectorLabels'): string {
  return `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "app.fullname" . }}${suffix}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      {{- include "${helper}" . | nindent 6 }}${extraLabel ? `\n      ${extraLabel}` : ''}
`;
}

function chart(templates: Record<string, string>, values = 'autoscaling:\n  enabled: true\n') {
  const doc = (file: string, text: string) => {
    const d = parseYaml(file, text).docs[0];
    if (!d) throw new Error(file);
    return d;
  };
  return readChart({
    dir: '',
    chart: doc('Chart.yaml', 'apiVersion: v2\nname: app\nversion: 1.0.0\n'),
    values: doc('values.yaml', values),
    templates: Object.entries(templates)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([file, text]) => ({ file, text })),
    helpers: [{ file: 'templates/_helpers.tpl', text: HELPERS }],
    crds: [],
  });
}

const WORKER = 'app.kubernetes.io/component: worker';

describe('chart facts on the chart workload only', () => {
  it("a sibling Deployment's HPA, PDB and probes are not the workload's (selectorLabels expanded)", () => {
    const r = chart({
      'templates/a-worker.yaml': deployment('-worker', WORKER, 30),
      'templates/a-worker-hpa.yaml': hpa('-worker', 40),
      'templates/a-worker-pdb.yaml': pdb('-worker', WORKER),
      'templates/deployment.yaml': deployment('', '', 5),
      'templates/hpa.yaml': hpa('', 6),
      'templates/pdb.yaml': pdb('', ''),
    });
    expect(r.workloads[0]?.settings.readinessPeriodSeconds?.value).toBe(5);
    expect(r.workloads[0]?.autoscaler).toMatchObject({ name: 'app', maxReplicas: 6 });
    expect(r.workloads[0]?.disruptionBudget?.name).toBe('app');
    // the sibling is a workload of its own, with its own probe, HPA and PDB (issue 13: one workload each)
    const worker = r.workloads[1];
    expect(`${worker?.kind}/${worker?.name}@${worker?.at?.file}:${worker?.at?.line}`).toBe(
      'Deployment/app-worker@templates/a-worker.yaml:2',
    );
    expect(worker?.settings.readinessPeriodSeconds?.value).toBe(30);
    expect(worker?.autoscaler).toMatchObject({ name: 'app-worker', maxReplicas: 40 });
    expect(worker?.disruptionBudget?.name).toBe('app-worker');
    // chart-level facts are shared
    expect(worker?.helm).toEqual(r.workloads[0]?.helm);
  });

  it("only another Deployment's HPA and PDB: none attached", () => {
    const r = chart({
      'templates/deployment.yaml': deployment('', '', 5),
      'templates/worker.yaml': deployment('-worker', WORKER, 30),
      'templates/worker-hpa.yaml': hpa('-worker', 40),
      'templates/worker-pdb.yaml': pdb('-worker', WORKER),
    });
    expect(r.workloads[0]?.autoscaler).toBeUndefined();
    expect(r.workloads[0]?.disruptionBudget).toBeNull();
  });

  it('an HPA its values guard turns off is not attached', () => {
    const r = chart(
      { 'templates/deployment.yaml': deployment('', '', 5), 'templates/hpa.yaml': hpa('', 6, true) },
      'autoscaling:\n  enabled: false\n',
    );
    expect(r.workloads[0]?.autoscaler).toBeUndefined();
  });

  it('a PDB selecting through a helper no _helpers file defines: an unknown about this workload, not attached', () => {
    const r = chart({
      'templates/deployment.yaml': deployment('', '', 5),
      'templates/pdb.yaml': pdb('', '', 'common.labels.matchLabels'),
    });
    expect(r.workloads[0]?.disruptionBudget).toBeNull();
    expect(r.unknowns.map((u) => `${u.subject}: ${u.reason}`)).toContainEqual(
      expect.stringMatching(
        /^deployment\/app: PodDisruptionBudget app \(templates\/pdb\.yaml\): its selector or the pod labels hold template expressions/,
      ),
    );
  });

  it('Services bind by selector after selectorLabels expansion; one without the component label selects both', () => {
    const r = chart({
      'templates/deployment.yaml': deployment('', 'app.kubernetes.io/component: api', 5),
      'templates/worker.yaml': deployment('-worker', WORKER, 30),
      'templates/service.yaml': service('', 'app.kubernetes.io/component: api'),
      'templates/service-all.yaml': service('-all', ''),
    });
    const names = (i: number) =>
      (r.workloads[i]?.services ?? []).map(
        (s) =>
          `${s.name}@${s.at?.file}:${s.at?.line}${s.alsoSelects ? ` +${s.alsoSelects.map((o) => o.workload).join(',')}` : ''}`,
      );
    expect(r.workloads.map((w) => w.name)).toEqual(['app', 'app-worker']);
    expect(names(0)).toEqual([
      'app-all@templates/service-all.yaml:2 +deployment/app-worker',
      'app@templates/service.yaml:2',
    ]);
    expect(names(1)).toEqual(['app-all@templates/service-all.yaml:2 +deployment/app']);
  });

  it('a Service whose selector goes through an undefined helper: an unknown, the list stays unknown', () => {
    const r = chart({
      'templates/deployment.yaml': deployment('', '', 5),
      'templates/service.yaml': service('', '', 'common.labels.matchLabels'),
    });
    expect(r.workloads[0]?.services).toEqual([]);
    expect(r.unknowns.map((u) => `${u.subject}: ${u.reason}`)).toContainEqual(
      expect.stringMatching(
        /^deployment\/app: Service app \(templates\/service\.yaml\): its name or selector/,
      ),
    );
  });
});

function service(suffix: string, extraLabel: string, helper = 'app.selectorLabels'): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: {{ include "app.fullname" . }}${suffix}
spec:
  ports:
    - port: 80
  selector:
    {{- include "${helper}" . | nindent 4 }}${extraLabel ? `\n    ${extraLabel}` : ''}
`;
}
