import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FS_ERROR_WORDS, inputErrorOf } from '../src/errors.js';
import { cli } from './helpers/cli.js';

describe('file-system errors and invalid characters are input errors (exit 2), never "internal error"', () => {
  it('maps every fs error code to the path and the reason in words', () => {
    for (const code of [
      'EACCES',
      'ELOOP',
      'EISDIR',
      'ENAMETOOLONG',
      'ENOTDIR',
      'EMFILE',
      'ENXIO',
      ...Object.keys(FS_ERROR_WORDS),
    ]) {
      const e = Object.assign(new Error(`${code}: x`), {
        code,
        syscall: 'open',
        path: '/repo/rollbook.yaml',
      });
      const mapped = inputErrorOf(e, (p) => p.replace('/repo/', ''));
      expect(mapped?.message, code).toBe(`cannot open rollbook.yaml: ${FS_ERROR_WORDS[code]} (${code})`);
    }
    const nul = Object.assign(
      new TypeError("The argument 'path' must be a string, Uint8Array, or URL without null bytes."),
      {
        code: 'ERR_INVALID_ARG_VALUE',
      },
    );
    expect(inputErrorOf(nul)?.code).toBe('INVALID_INPUT');
    // a real bug stays a bug
    expect(inputErrorOf(new TypeError('x is undefined'))).toBeUndefined();
    expect(inputErrorOf(Object.assign(new Error('?'), { code: 'ERR_ASSERTION' }))).toBeUndefined();
  });

  it('a NUL or an escape character in rollbook.yaml is refused where it is, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollbook-nul-'));
    try {
      writeFileSync(
        join(dir, 'rollbook.yaml'),
        'version: 1\nservice: x\ndeploy:\n  manifests: ["deploy\\0k8s"]\nstate:\n  migrations: { path: "db\\x1b[2Jm" }\n',
      );
      const r = await cli(['plan', dir, '--format', 'sh']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'rollbook: rollbook.yaml:4:15: deploy.manifests[0]: contains a control character (NUL, ESC…): rollbook.yaml values become command arguments and paths\n' +
          'rollbook: rollbook.yaml:6:23: state.migrations.path: contains a control character (NUL, ESC…): rollbook.yaml values become command arguments and paths\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
