import type { Severity } from '../model/finding.js';
import type { Cache } from '../model/service.js';
import { createRule } from './create-rule.js';
import { cacheTtl, evidenceFor, formatSeconds, mentions, type Ttl } from './support/state.js';

/** Caches that live inside the app process: a rollback replaces the processes, so they start empty. */
const IN_PROCESS = new Set([
  'memory',
  'in-memory',
  'inmemory',
  'in-process',
  'inprocess',
  'local',
  'process',
  'heap',
  'caffeine',
  'lru',
]);
const REDIS_LIKE = ['redis*', 'valkey', 'elasticache', 'keydb', 'dragonfly*', 'memorystore'];

/** Entries that expire within this many seconds heal by themselves about as fast as a rollback runs. */
const SHORT_TTL = 300;
/** Entries that outlive a day keep a rolled-back version broken long after the incident. */
const LONG_TTL = 86_400;

/** Severity from the TTL; an unset keyVersioned is a question, not a known hazard, so it never blocks. */
function severityFor(ttl: Ttl, declared: boolean): Severity {
  if (!declared) return ttl.kind === 'seconds' && ttl.seconds <= SHORT_TTL ? 'info' : 'warning';
  if (ttl.kind === 'never') return 'error';
  if (ttl.kind === 'unknown') return 'warning';
  if (ttl.seconds > LONG_TTL) return 'error';
  if (ttl.seconds <= SHORT_TTL) return 'info';
  return 'warning';
}

function ttlText(cache: Cache, ttl: Ttl): string {
  if (ttl.kind === 'never') return 'no expiry';
  if (ttl.kind === 'unknown')
    return cache.ttl === undefined ? 'TTL unknown' : `TTL ${cache.ttl} (not a duration)`;
  return `TTL ${cache.ttl !== undefined ? String(cache.ttl).trim() : formatSeconds(ttl.seconds)}`;
}

function lifetime(ttl: Ttl): string {
  if (ttl.kind === 'never') return 'until they are evicted or deleted';
  if (ttl.kind === 'unknown') return 'until they expire (TTL unknown)';
  return `for up to ${formatSeconds(ttl.seconds)}`;
}

function deleteHow(cache: Cache): string {
  const name = cache.name;
  if (mentions(cache.store, REDIS_LIKE))
    return `delete only its keys (e.g. \`redis-cli --scan --pattern '${name}:*' | xargs redis-cli unlink\`; never FLUSHALL on a shared instance)`;
  if (mentions(cache.store, ['memcache*']))
    return 'flush it (memcached cannot delete by prefix: `flush_all` empties the whole instance)';
  return `delete its entries in ${cache.store}`;
}

export default createRule(
  {
    id: 'cache-unversioned-key',
    kind: 'cache',
    severity: 'warning',
    description:
      'A shared cache whose keys carry no format version: the new version can poison it for the old one.',
    rationale:
      'A deploy rollback does not touch the cache. Entries the new version wrote in a new format stay until they expire, and the rolled-back version reads them: errors or wrong data for the whole TTL.',
    mitigation:
      'Put a format version in the key prefix (e.g. `sessions:v2:`) and bump it with every format change; otherwise plan to flush the cache on rollback and budget for a cold cache.',
    scope: 'state',
  },
  (service, report) =>
    service.caches
      .filter((c) => c.keyVersioned !== true && !IN_PROCESS.has(c.store.trim().toLowerCase()))
      .map((c) => {
        const ttl = cacheTtl(c);
        const declared = c.keyVersioned === false;
        const what = `Cache \`${c.name}\` (${c.store}, ${ttlText(c, ttl)})`;
        const message = declared
          ? `${what} has unversioned keys: entries the new version writes in a new format stay ${lifetime(ttl)}, and the rolled-back version reads them.`
          : `${what} does not say its keys are versioned (keyVersioned unset): if the new version changed the cached format, the rolled-back version reads its entries ${lifetime(ttl)}. Set keyVersioned.`;
        const onRollback =
          ttl.kind === 'never'
            ? `Until then, its entries never expire, so on rollback ${deleteHow(c)}`
            : `Until then, on rollback either wait out the TTL (${ttl.kind === 'seconds' ? `${formatSeconds(ttl.seconds)} of bad reads for entries the new version wrote` : 'unknown: declare it'}), or ${deleteHow(c)}`;
        return report({
          subject: c.name,
          severity: severityFor(ttl, declared),
          message,
          evidence: [evidenceFor(service, c.at)],
          appRollbackSafe: declared ? false : null,
          revertLossless: true,
          touchesData: false,
          mitigation: `Version the key prefix of \`${c.name}\` (e.g. \`${c.name}:v2:\`) and bump it with every format change, so each version reads only its own entries. ${onRollback}, at the cost of a cold cache: every miss hits the backing store until \`${c.name}\` refills.`,
        });
      }),
);
