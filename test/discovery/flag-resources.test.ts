import { describe, expect, it } from 'vitest';
import { discover } from '../../src/readers/discover.js';
import { tempRepo } from './helpers.js';

const deployment = (name: string, pod: string, annotations = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata:
      labels: { app: ${name} }${annotations}
    spec:
${pod}`;

/** The layout of the OpenTelemetry demo's Kubernetes manifest: one file, flagd mounting its ConfigMap. */
const demo = `apiVersion: v1
kind: ConfigMap
metadata:
  name: flagd-config
data:
  demo.flagd.json: |
    {
      "$schema": "https://flagd.dev/schema/v0/flags.json",
      "flags": {
        "productCatalogFailure": {
          "state": "ENABLED",
          "variants": { "on": true, "off": false },
          "defaultVariant": "off"
        },
        "kill-recommendations": {
          "state": "ENABLED",
          "variants": { "on": true, "off": false },
          "defaultVariant": "off"
        }
      }
    }
---
${deployment(
  'flagd',
  `      containers:
        - name: flagd
          image: ghcr.io/open-feature/flagd:v0.11.1
          command: [/flagd-build, start, --uri, file:./etc/flagd/demo.flagd.json]
          volumeMounts:
            - { name: config-ro, mountPath: /etc/flagd }
      volumes:
        - name: config-ro
          configMap: { name: flagd-config }
`,
)}---
${deployment(
  'cart',
  `      containers:
        - name: cart
          image: ghcr.io/acme/cart:1.2.3
`,
)}`;

/** The OpenFeature operator: FeatureFlag + FeatureFlagSource, and the v1alpha1 string spec. */
const operator = `apiVersion: core.openfeature.dev/v1beta1
kind: FeatureFlag
metadata:
  name: checkout-flags
  namespace: shop
spec:
  flagSpec:
    flags:
      new-checkout:
        state: ENABLED
        variants: { on: true, off: false }
        defaultVariant: "on"
---
apiVersion: core.openfeature.dev/v1beta1
kind: FeatureFlagSource
metadata:
  name: checkout-source
  namespace: shop
spec:
  sources:
    - { source: shop/checkout-flags, provider: kubernetes }
---
apiVersion: core.openfeature.dev/v1alpha1
kind: FeatureFlagConfiguration
metadata:
  name: legacy
  namespace: shop
spec:
  featureFlagSpec: |
    {"flags": {"legacy-export": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}}}
---
${deployment(
  'checkout',
  `      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:2.0.0
`,
  `
      annotations:
        openfeature.dev/enabled: "true"
        openfeature.dev/featureflagsource: checkout-source`,
).replace('  name: checkout\n', '  name: checkout\n  namespace: shop\n')}---
${deployment(
  'exporter',
  `      containers:
        - name: exporter
          image: ghcr.io/acme/exporter:2.0.0
`,
  `
      annotations:
        openfeature.dev/featureflagconfiguration: shop/legacy`,
).replace('  name: exporter\n', '  name: exporter\n  namespace: shop\n')}`;

const broken = `apiVersion: v1
kind: ConfigMap
metadata:
  name: broken-flags
data:
  flags.json: |
    {
      "flags": {
        "a": { "state": "ENABLED", "variants": { "on": true }, "defaultVariant": "on", }
      }
    }
`;

describe('flagd definitions in Kubernetes objects', () => {
  it('reads each flag from its ConfigMap key or resource, cites its line and binds it to the workload that mounts or names it', async () => {
    const d = await discover(tempRepo({ 'k8s/demo.yaml': demo, 'operator/app.yaml': operator }));
    const bound = d.flagFiles.flatMap((f) =>
      f.flags.map(
        (b) =>
          `${b.flag.key} @${b.flag.at?.file}:${b.flag.at?.line}:${b.flag.at?.col} → ${b.bonds.map((x) => `${x.workload.name}: ${x.how}`).join(' | ') || 'none'}`,
      ),
    );
    expect(bound).toEqual([
      'kill-recommendations @k8s/demo.yaml:15:9 → flagd: its ConfigMap flagd-config (k8s/demo.yaml:9) is mounted by Deployment/flagd at k8s/demo.yaml:40',
      'productCatalogFailure @k8s/demo.yaml:10:9 → flagd: its ConfigMap flagd-config (k8s/demo.yaml:9) is mounted by Deployment/flagd at k8s/demo.yaml:40',
      'legacy-export @operator/app.yaml:30:16 → exporter: Deployment/exporter names FeatureFlagConfiguration legacy in its openfeature.dev/featureflagconfiguration annotation (operator/app.yaml:60)',
      'new-checkout @operator/app.yaml:9:7 → checkout: Deployment/checkout names FeatureFlagSource checkout-source in its openfeature.dev/featureflagsource annotation (operator/app.yaml:42), whose sources read FeatureFlag checkout-flags',
    ]);
    expect(d.flagSources.map((s) => `${s.file} ${s.in?.kind}/${s.in?.name} ${s.in?.key ?? ''}`)).toEqual([
      'k8s/demo.yaml ConfigMap/flagd-config demo.flagd.json',
      'operator/app.yaml FeatureFlag/checkout-flags ',
      'operator/app.yaml FeatureFlagConfiguration/legacy ',
    ]);
    expect(d.flags.find((f) => f.key === 'kill-recommendations')?.killSwitch).toBe(true);
  });

  it.each([
    ['a trailing comma JSON refuses', broken, 'k8s/flags.yaml:9:88'],
    [
      'a YAML syntax error',
      broken.replace('"defaultVariant": "on", }', '"defaultVariant": "on" ]'),
      'k8s/flags.yaml:9:',
    ],
  ])(
    'malformed definitions in a ConfigMap (%s): one unknown at file:line:col, no flag read',
    async (_, text, at) => {
      const d = await discover(tempRepo({ 'k8s/flags.yaml': text }));
      expect(d.flags).toEqual([]);
      const u = d.unknowns.filter((x) => x.subject === 'ConfigMap broken-flags key flags.json');
      expect(u).toHaveLength(1);
      expect(u[0]?.reason).toContain(`not valid at ${at}`);
      expect(`${u[0]?.at?.file}:${u[0]?.at?.line}:${u[0]?.at?.col}`).toContain(at);
    },
  );
});
