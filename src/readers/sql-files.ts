import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['node_modules', 'vendor', 'dist', 'build', 'target', 'coverage', '.git']);

/**
 * SQL files under root (bounded walk, vendored and build folders skipped), up to `limit`: enough to
 * tell "no migration could be checked" from "there is nothing to check".
 */
export function findSqlFiles(root: string, limit = 50, maxDepth = 8): string[] {
  const found: string[] = [];
  const walk = (dir: string, rel: string, depth: number): void => {
    if (found.length >= limit || depth > maxDepth) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (found.length >= limit) return;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && !e.name.startsWith('.')) walk(join(dir, e.name), path, depth + 1);
      } else if (e.isFile() && /\.sql$/i.test(e.name)) found.push(path);
    }
  };
  walk(root, '', 0);
  return found;
}
