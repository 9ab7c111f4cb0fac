/**
 * The fuzz harness (scripts/fuzz/, `npm run fuzz`): its classification of each kind of result, and
 * a small seeded sample of the campaign (every case in a worker process under time and memory
 * limits) that must find nothing. Runs on dist (npm test builds first).
 */
import { describe, expect, it } from 'vitest';
import { classify, FAILURES, fuzz, hasLocation } from '../../scripts/fuzz/harness.js';

const LIMITS = { timeoutMs: 10_000, memoryBytes: 2 ** 30 };

describe('fuzz classification', () => {
  it.each([
    ['ok', { code: 0, stderr: '' }],
    ['ok', { code: 1, stderr: '' }],
    ['input-error', { code: 2, stderr: 'rollbook: rollbook.yaml:3:7: deploy.platform: unknown platform\n' }],
    [
      'crash',
      {
        code: 2,
        stderr:
          'rollbook: internal error (this is a bug in rollbook, please report it):\nTypeError: x\n    at f (/x/dist/a.js:1:2)\n',
      },
    ],
    ['crash', { code: 0, stderr: 'Error: x\n    at Object.<anonymous> (file:///x.js:3:9)\n' }],
    ['crash', { code: 134, stderr: '' }],
    ['crash', { crashed: 'worker died (SIGSEGV)' }],
    ['hang', { timedOut: true }],
    ['over-memory', { overMemory: true }],
    ['over-memory', { code: 0, maxRSS: 2 ** 31 }],
    [
      'over-memory',
      {
        crashed: 'worker died',
        stderr: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      },
    ],
    ['bad-output', { code: 0, problems: ['unsafe character in the output: U+001b'] }],
    [
      'bad-output',
      {
        code: 2,
        stderr: 'rollbook: x.yaml:1:1: bad\n',
        problems: ['exit 2 after writing 9 characters to stdout'],
      },
    ],
    [
      'bad-output',
      { code: 2, stderr: 'rollbook: x.yaml:1:1: bad\n', problems: ['exit 2 left rbfuzz-plan.json written'] },
    ],
  ])('%s: %j', (cls, r) => {
    expect(classify(r, LIMITS)).toBe(cls);
  });

  it('input errors name their location', () => {
    expect(hasLocation('rollbook: rollbook.yaml:3:7: bad\n')).toBe(true);
    expect(hasLocation('rollbook: db/1.up.sql:2: syntax error\n')).toBe(true);
    expect(hasLocation('rollbook: no such directory\n')).toBe(false);
  });
});

describe('fuzz sample (seeded)', () => {
  it('finds no crash, hang, blow-up or broken output', async () => {
    const report = await fuzz({ seed: 15, runs: 6, minimise: 0, shellcheckEvery: 2, timeoutMs: 60_000 });
    expect(report.failures).toEqual([]);
    expect(FAILURES.map((k) => report.counts[k])).toEqual([0, 0, 0, 0]);
    expect((report.counts.ok ?? 0) + (report.counts['input-error'] ?? 0)).toBe(6);
  });

  // A second seed over the inputs that break readers: a YAML, JSON or SQL file malformed by a line of
  // its own format, bytes that are not UTF-8, a file grown to its reader's size limit, hostile file
  // names; over every command, the ones that read git history (check, gates, migrations verify) and
  // --out included. Bounded by the input count (8), not by a clock. Contract: exit 0/1, or exit 2 with
  // one "rollbook: " message, nothing on stdout and no --out file; never a crash or a stack trace.
  it('a second seed over malformed, binary, huge and hostile-name inputs finds nothing', async () => {
    const kinds = ['malformed', 'binary', 'huge', 'hostile-names'];
    const report = await fuzz({
      seed: 77,
      runs: 8,
      kinds,
      minimise: 0,
      shellcheckEvery: 0,
      timeoutMs: 60_000,
    });
    expect(report.failures).toEqual([]);
    expect(FAILURES.map((k) => report.counts[k])).toEqual([0, 0, 0, 0]);
    expect(Object.keys(report.kinds).sort()).toEqual([...kinds].sort());
    expect((report.counts.ok ?? 0) + (report.counts['input-error'] ?? 0)).toBe(8);
  });
});
