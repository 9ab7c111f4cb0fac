import { describe, expect, it } from 'vitest';
import type { Cache } from '../../src/model/service.js';
import rule from '../../src/rules/cache-unversioned-key.js';
import { expectNone, findingsOf, messagesOf, service, where } from '../helpers/rules.js';

const at = (line: number) => ({ file: 'rollbook.yaml', line, col: 7 });
const svc = (...caches: Cache[]) => service({ descriptor: 'rollbook.yaml', caches });

describe('cache-unversioned-key', () => {
  it.each([
    {
      name: 'unversioned keys, TTL 1h',
      cache: { name: 'sessions', store: 'redis', keyVersioned: false, ttl: '1h', at: at(12) },
      severity: 'warning',
      appRollbackSafe: false,
    },
    {
      name: 'keyVersioned unset: cannot tell',
      cache: { name: 'carts', store: 'redis', ttl: '30m', at: at(13) },
      severity: 'warning',
      appRollbackSafe: null,
    },
    {
      name: 'keyVersioned unset with a long TTL: a question, capped at warning',
      cache: { name: 'catalog', store: 'redis', ttl: '30d', at: at(19) },
      severity: 'warning',
      appRollbackSafe: null,
    },
    {
      name: 'keyVersioned unset with a short TTL',
      cache: { name: 'rates', store: 'redis', ttl: '2m', at: at(20) },
      severity: 'info',
      appRollbackSafe: null,
    },
    {
      name: 'TTL longer than a day',
      cache: { name: 'catalog', store: 'valkey', keyVersioned: false, ttl: '7d', at: at(14) },
      severity: 'error',
      appRollbackSafe: false,
    },
    {
      name: 'no expiry (ttl 0)',
      cache: { name: 'prices', store: 'memcached', keyVersioned: false, ttl: '0', at: at(15) },
      severity: 'error',
      appRollbackSafe: false,
    },
    {
      name: 'short TTL heals by itself',
      cache: { name: 'rates', store: 'redis', keyVersioned: false, ttl: '60s', at: at(16) },
      severity: 'info',
      appRollbackSafe: false,
    },
    {
      name: 'ttlSeconds from the reader wins',
      cache: {
        name: 'rates',
        store: 'redis',
        keyVersioned: false,
        ttl: '1 day',
        ttlSeconds: 90_000,
        at: at(17),
      },
      severity: 'error',
      appRollbackSafe: false,
    },
    {
      name: 'TTL not a duration',
      cache: { name: 'tokens', store: 'redis', keyVersioned: false, ttl: 'soon', at: at(18) },
      severity: 'warning',
      appRollbackSafe: false,
    },
  ] as const)('fires: $name', ({ cache, severity, appRollbackSafe }) => {
    const found = findingsOf(rule, svc(cache));
    expect(where(found)).toEqual([`cache-unversioned-key@rollbook.yaml:${cache.at.line} ${cache.name}`]);
    expect(found[0]).toMatchObject({
      kind: 'cache',
      severity,
      appRollbackSafe,
      revertLossless: true,
      touchesData: false,
    });
    expect(found[0]?.evidence).toEqual([cache.at]);
  });

  it.each([
    { name: 'versioned keys', cache: { name: 'sessions', store: 'redis', keyVersioned: true, ttl: '1h' } },
    {
      name: 'in-process cache (emptied by the rollback)',
      cache: { name: 'local', store: 'in-memory', ttl: '1h' },
    },
    { name: 'in-process cache, any case', cache: { name: 'lru', store: 'Memory', keyVersioned: false } },
  ])('does not fire: $name', ({ cache }) => {
    expectNone(rule, svc(cache));
  });

  it('does not fire without caches', () => {
    expectNone(rule, service());
  });

  it('falls back to line 1 of the descriptor when the cache has no location', () => {
    const found = findingsOf(
      rule,
      service({ descriptor: 'deploy/rollbook.yaml', caches: [{ name: 's', store: 'redis' }] }),
    );
    expect(found[0]?.evidence).toEqual([{ file: 'deploy/rollbook.yaml', line: 1 }]);
  });

  it('names the cache in the mitigation, with a store-specific delete', () => {
    const [redis, memcached, other] = findingsOf(
      rule,
      svc(
        { name: 'sessions', store: 'redis', keyVersioned: false, ttl: '1h', at: at(3) },
        { name: 'pages', store: 'memcached', keyVersioned: false, ttl: '1h', at: at(4) },
        { name: 'edge', store: 'cloudflare-kv', keyVersioned: false, ttl: '1h', at: at(5) },
      ),
    );
    expect(redis?.mitigation).toContain("`redis-cli --scan --pattern 'sessions:*' | xargs redis-cli unlink`");
    expect(redis?.mitigation).toContain('`sessions:v2:`');
    expect(memcached?.mitigation).toContain('`flush_all` empties the whole instance');
    expect(other?.mitigation).toContain('delete its entries in cloudflare-kv');
  });

  it('messages', () => {
    expect(
      messagesOf(
        rule,
        svc(
          { name: 'sessions', store: 'redis', keyVersioned: false, ttl: '1h', at: at(12) },
          { name: 'carts', store: 'redis', ttl: '30m', at: at(13) },
          { name: 'prices', store: 'memcached', keyVersioned: false, ttl: 'never', at: at(15) },
          { name: 'tokens', store: 'redis', keyVersioned: false, at: at(18) },
        ),
      ),
    ).toMatchSnapshot();
  });
});
