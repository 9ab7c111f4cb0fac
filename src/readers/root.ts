import { lstatSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RollbookError } from '../errors.js';

/**
 * The repository root every command reads: `dir` resolved against `cwd`. A missing path or a
 * file is one clear exit-2 error naming the path as the user typed it. Light on purpose (no yaml,
 * no zod): commands call it before deciding what else to load.
 */
export function serviceRoot(dir: string | undefined, cwd: string = process.cwd()): string {
  const shown = dir ?? '.';
  const root = resolve(cwd, shown);
  let isDir: boolean;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new RollbookError(
      'NOT_FOUND',
      [{ message: `directory not found: ${shown}` }],
      'Pass the path of the service repository, e.g. rollbook plan examples/checkout-api',
    );
  }
  if (!isDir) throw new RollbookError('NOT_A_DIRECTORY', [{ message: `not a directory: ${shown}` }]);
  return root;
}

export const DESCRIPTOR_NAMES = ['rollbook.yaml', 'rollbook.yml'] as const;

/** The descriptor file in a directory, if any (present even as a dangling link: reading it then says what is wrong). */
export function findDescriptor(root: string): string | undefined {
  return DESCRIPTOR_NAMES.find((n) => {
    try {
      lstatSync(join(root, n));
      return true;
    } catch {
      return false;
    }
  });
}
