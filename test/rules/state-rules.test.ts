/**
 * Properties shared by the state-hazard rules (cache-unversioned-key, data-written-by-new-version,
 * dependency-compatibility, dual-write, external-side-effect, flag-state-not-restored,
 * kill-switch-available, queue-compatibility) over generated descriptor models.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Evidence, QueueCompatibility, Service } from '../../src/model/service.js';
import cacheUnversionedKey from '../../src/rules/cache-unversioned-key.js';
import dataWrittenByNewVersion from '../../src/rules/data-written-by-new-version.js';
import dependencyCompatibility from '../../src/rules/dependency-compatibility.js';
import dualWrite from '../../src/rules/dual-write.js';
import externalSideEffect from '../../src/rules/external-side-effect.js';
import flagStateNotRestored from '../../src/rules/flag-state-not-restored.js';
import { RULES, runRules } from '../../src/rules/index.js';
import killSwitchAvailable from '../../src/rules/kill-switch-available.js';
import queueCompatibility from '../../src/rules/queue-compatibility.js';
import { service } from '../helpers/rules.js';

const STATE_RULES = [
  cacheUnversionedKey,
  dataWrittenByNewVersion,
  dependencyCompatibility,
  dualWrite,
  externalSideEffect,
  flagStateNotRestored,
  killSwitchAvailable,
  queueCompatibility,
];

const text = fc.oneof(
  fc.string(),
  fc.constantFrom('redis', 'memcached', 'in-memory', 's3://b/x', 'stripe', 'flagd'),
);
const at = fc.option(
  fc.record({
    file: fc.constantFrom('rollbook.yaml', 'flags/flags.json'),
    line: fc.integer({ min: 1, max: 500 }),
  }),
  { nil: undefined },
) as fc.Arbitrary<Evidence | undefined>;
const bool = fc.option(fc.boolean(), { nil: undefined });
const modes: (QueueCompatibility | undefined)[] = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
  undefined,
];

const svc: fc.Arbitrary<Service> = fc
  .record({
    descriptor: fc.option(fc.constantFrom('rollbook.yaml', 'ops/rollbook.yml'), { nil: undefined }),
    caches: fc.array(
      fc.record({
        name: text,
        store: text,
        keyVersioned: bool,
        ttl: fc.option(fc.oneof(fc.string(), fc.constantFrom('1h', '0', '30s', '2d', 'never')), {
          nil: undefined,
        }),
        ttlSeconds: fc.option(fc.integer({ min: -1, max: 10_000_000 }), { nil: undefined }),
        at,
      }),
      { maxLength: 3 },
    ),
    queues: fc.array(
      fc.record({
        name: text,
        format: fc.option(fc.constantFrom('avro', 'protobuf', 'json', 'Avro'), { nil: undefined }),
        compatibility: fc.constantFrom(...modes),
        role: fc.constantFrom('producer', 'consumer', 'both', undefined),
        at,
      }),
      { maxLength: 3 },
    ),
    writes: fc.array(
      fc.record({
        store: text,
        dualWrite: bool,
        external: bool,
        description: fc.option(fc.string(), { nil: undefined }),
        at,
      }),
      { maxLength: 3 },
    ),
    flagSources: fc.array(
      fc.record({
        provider: fc.constantFrom('flagd', 'unleash', 'launchdarkly', 'x'),
        file: fc.option(fc.constantFrom('flags/flags.json', 'f.yaml'), { nil: undefined }),
        at,
      }),
      { maxLength: 2 },
    ),
    flags: fc.array(
      fc.record({
        key: text,
        provider: fc.constantFrom('flagd', 'unleash', 'launchdarkly', 'x'),
        killSwitch: fc.boolean(),
        at,
      }),
      { maxLength: 12 },
    ),
    dependencies: fc.array(
      fc.record({
        name: text,
        relation: fc.option(fc.constantFrom('calls', 'called-by', 'consumed by', 'reads'), {
          nil: undefined,
        }),
        compatibility: fc.option(fc.string(), { nil: undefined }),
        at,
      }),
      { maxLength: 3 },
    ),
  })
  .map((parts) => service(parts));

describe('state rules over generated services', () => {
  it('are all registered', () => {
    for (const r of STATE_RULES) expect(RULES).toContain(r);
  });

  it('never throw, always cite evidence, and fill every field', () => {
    fc.assert(
      fc.property(svc, (s) => {
        for (const rule of STATE_RULES) {
          for (const f of rule.check(s)) {
            expect(f.rule).toBe(rule.meta.id);
            expect(f.kind).toBe(rule.meta.kind);
            expect(['error', 'warning', 'info']).toContain(f.severity);
            expect(f.evidence.length).toBeGreaterThan(0);
            for (const e of f.evidence) {
              expect(e.file).not.toBe('');
              expect(e.line).toBeGreaterThanOrEqual(1);
            }
            expect(f.message.trim()).not.toBe('');
            expect(f.mitigation.trim()).not.toBe('');
            expect(typeof f.touchesData).toBe('boolean');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('are deterministic', () => {
    fc.assert(
      fc.property(svc, (s) => {
        expect(JSON.stringify(runRules(s, STATE_RULES))).toBe(
          JSON.stringify(runRules(structuredClone(s), STATE_RULES)),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('every declared write is in the hazard table, and only dual writes touch data', () => {
    fc.assert(
      fc.property(svc, (s) => {
        const writeRules = [dualWrite, externalSideEffect, dataWrittenByNewVersion];
        const found = writeRules.flatMap((r) => r.check(s));
        expect(found.length).toBeGreaterThanOrEqual(s.writes.length);
        const dual = s.writes.filter((w) => w.dualWrite === true).length;
        expect(found.filter((f) => f.touchesData).length).toBe(dual);
      }),
      { numRuns: 200 },
    );
  });

  it('one kill-switch finding per kill switch, one flag-state finding per provider', () => {
    fc.assert(
      fc.property(svc, (s) => {
        expect(killSwitchAvailable.check(s)).toHaveLength(s.flags.filter((f) => f.killSwitch).length);
        const providers = new Set([...s.flags, ...s.flagSources].map((f) => f.provider));
        expect(flagStateNotRestored.check(s)).toHaveLength(providers.size);
      }),
      { numRuns: 200 },
    );
  });
});
