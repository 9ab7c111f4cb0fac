import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

// `npm ci` refuses a lock file that lacks an optional dependency of any platform. squawk-cli (the
// benchmark peer) ships one binary package per platform; a registry mirror that holds only this
// machine's makes `npm install` drop the others from the lock, and CI's `npm ci` then fails.
describe('package-lock.json', () => {
  it('lists every optional platform package of squawk-cli, so npm ci works on a clean clone', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
    const optional = Object.keys(lock.packages['node_modules/squawk-cli'].optionalDependencies ?? {});
    expect(optional.length).toBeGreaterThan(0);
    for (const name of optional) expect(lock.packages, name).toHaveProperty([`node_modules/${name}`]);
  });
});
