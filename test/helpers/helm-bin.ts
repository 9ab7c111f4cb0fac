/**
 * A real `helm` and `kubectl` for tests, from the npm registry: @aws-cdk/asset-kubectl-v20 (a
 * devDependency) ships the official helm v3.8.1 and kubectl v1.20.0 linux-amd64 binaries inside
 * lib/layer.zip (helm/helm, kubectl/kubectl). Each is extracted once into node_modules/.cache (a
 * small zip reader over node:zlib, no download, no unzip tool); helm is put on PATH by the tests that
 * exercise `helm template`, kubectl evaluates the output templates of the checks.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** One file of a zip archive, by name (central directory → local header → data). */
function unzipEntry(zip: Buffer, name: string): Buffer | undefined {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--)
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) return undefined;
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) return undefined;
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const entry = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (entry === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return method === 0 ? Buffer.from(data) : inflateRawSync(data);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return undefined;
}

/**
 * The directory holding the real binary `name` (helm or kubectl) of the package's layer.zip, or
 * undefined when the package is not installed or the machine is not linux-x64.
 */
function realBinDir(name: 'helm' | 'kubectl', version: string): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  let zipPath: string;
  try {
    const require = createRequire(join(ROOT, 'package.json'));
    zipPath = join(dirname(require.resolve('@aws-cdk/asset-kubectl-v20/package.json')), 'lib', 'layer.zip');
  } catch {
    return undefined;
  }
  const dir = join(ROOT, 'node_modules', '.cache', `rollbook-${name}-${version}`);
  const bin = join(dir, name);
  if (existsSync(bin)) return dir;
  const data = unzipEntry(readFileSync(zipPath), `${name}/${name}`);
  if (!data) return undefined;
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  chmodSync(tmp, 0o755);
  renameSync(tmp, bin);
  return dir;
}

/** The directory holding a real `helm` (v3.8.1), or undefined where none ships. */
export const realHelmDir = (): string | undefined => realBinDir('helm', '3.8.1');

/**
 * The path of a real `kubectl` (v1.20.0, the same package), or undefined where none ships. Without a
 * cluster it still evaluates output templates: `kubectl label --local -f OBJECT -o jsonpath=…` prints
 * a local object through the same printer `kubectl get -o jsonpath=…` uses.
 */
export function realKubectl(): string | undefined {
  const dir = realBinDir('kubectl', '1.20.0');
  return dir ? join(dir, 'kubectl') : undefined;
}

/**
 * The tests of a file run with the real helm on PATH and ROLLBOOK_HELM unset (the suite runs with
 * ROLLBOOK_HELM=off, vitest.config.ts), both restored afterwards. Returns helm's directory (undefined
 * where no binary ships for the platform) once the file's beforeAll ran.
 */
export function useRealHelm(): () => string | undefined {
  const saved = { PATH: process.env.PATH, ROLLBOOK_HELM: process.env.ROLLBOOK_HELM };
  let dir: string | undefined;
  beforeAll(() => {
    dir = realHelmDir();
    if (dir) process.env.PATH = `${dir}${delimiter}${saved.PATH ?? ''}`;
    delete process.env.ROLLBOOK_HELM;
  });
  afterAll(() => {
    process.env.PATH = saved.PATH;
    if (saved.ROLLBOOK_HELM === undefined) delete process.env.ROLLBOOK_HELM;
    else process.env.ROLLBOOK_HELM = saved.ROLLBOOK_HELM;
  });
  return () => dir;
}
