// Benchmark: discovery over a generated monorepo of 5,000 YAML files (goal: under 2 s).
// Run after `npm run build`. Exports a function returning a Markdown section; `node bench/discovery.bench.js` prints it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const FILES = 5000;
const GOAL_MS = 2000;
const RUNS = 3;

function deployment(svc, i) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${svc}-${i}
  labels: { app: ${svc}-${i} }
spec:
  replicas: ${(i % 5) + 1}
  revisionHistoryLimit: ${i % 7 === 0 ? 0 : 10}
  selector:
    matchLabels: { app: ${svc}-${i} }
  strategy:
    rollingUpdate: { maxSurge: 25%, maxUnavailable: 0 }
  template:
    metadata:
      labels: { app: ${svc}-${i} }
    spec:
      terminationGracePeriodSeconds: 30
      containers:
        - name: app
          image: ghcr.io/acme/${svc}:${i % 3 === 0 ? 'latest' : `1.${i}.0`}
          envFrom:
            - configMapRef: { name: ${svc}-${i}-config }
          readinessProbe:
            httpGet: { path: /ready, port: 8080 }
            periodSeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: ${svc}-${i}
spec:
  selector: { app: ${svc}-${i} }
  ports: [{ port: 80, targetPort: 8080 }]
`;
}

function configMap(svc, i) {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${svc}-${i}-config
data:
  LOG_LEVEL: info
  FEATURE_X: "${i % 2 === 0}"
`;
}

/** 5,000 YAML files: 50 services × (overlays with kustomizations, deployments, configmaps, HPAs, PDBs). */
export function generate(root) {
  let n = 0;
  const write = (rel, text) => {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
    n++;
  };
  const services = 50;
  const perService = FILES / services; // 100
  for (let s = 0; s < services; s++) {
    const svc = `svc${String(s).padStart(2, '0')}`;
    const base = `services/${svc}/deploy/base`;
    const bases = [];
    for (let i = 0; i < perService - 3; i++) {
      const kind = i % 4;
      const rel =
        kind === 0 || kind === 1
          ? `${base}/deployment-${i}.yaml`
          : kind === 2
            ? `${base}/configmap-${i}.yaml`
            : `${base}/pdb-${i}.yaml`;
      const text =
        kind === 0 || kind === 1
          ? deployment(svc, i)
          : kind === 2
            ? configMap(svc, i)
            : `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: ${svc}-${i}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: { app: ${svc}-${i - 3} }\n`;
      write(rel, text);
      bases.push(rel.slice(base.length + 1));
    }
    write(`${base}/kustomization.yaml`, `resources:\n${bases.map((b) => `  - ${b}`).join('\n')}\n`);
    for (const env of ['staging', 'production']) {
      write(
        `services/${svc}/deploy/overlays/${env}/kustomization.yaml`,
        `namespace: ${svc}-${env}\nresources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/${svc}\n    newTag: ${env === 'production' ? '3f9c2e1' : 'main'}\n`,
      );
    }
  }
  return n;
}

export default async function bench() {
  const { discover } = await import(
    pathToFileURL(
      join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../dist/readers/discover.js'),
    ).href
  );
  const root = mkdtempSync(join(tmpdir(), 'rollbook-bench-discovery-'));
  try {
    const t0 = performance.now();
    const files = generate(root);
    const genMs = performance.now() - t0;
    const times = [];
    const cpu = [];
    let result;
    for (let r = 0; r < RUNS; r++) {
      const c = process.cpuUsage();
      const t = performance.now();
      result = await discover(root);
      times.push(performance.now() - t);
      const u = process.cpuUsage(c);
      cpu.push((u.user + u.system) / 1000);
    }
    cpu.sort((a, b) => a - b);
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const pass = median < GOAL_MS;
    return [
      '## Discovery',
      '',
      `Generated monorepo: ${files} YAML files (50 services, kustomize base + 2 overlays each), generated in ${genMs.toFixed(0)} ms.`,
      '',
      '| runs | median wall | best | worst | median CPU (all threads) | workloads | unknowns | goal |',
      '|---|---|---|---|---|---|---|---|',
      `| ${RUNS} | ${median.toFixed(0)} ms | ${times[0].toFixed(0)} ms | ${times[times.length - 1].toFixed(0)} ms | ${cpu[Math.floor(cpu.length / 2)].toFixed(0)} ms | ${result.workloads.length} | ${result.unknowns.length} | < ${GOAL_MS} ms wall: ${pass ? 'met' : 'MISSED'} |`,
      '',
      `Host: ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)} at the end of the run (wall time grows with the load).`,
      '',
    ].join('\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${await bench()}\n`);
}
