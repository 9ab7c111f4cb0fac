import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Unknown } from '../../model/service.js';
import { readText } from './text.js';
import type { RepoFile } from './walk.js';
import { docFromPositions, parseYaml, type YamlDoc } from './yaml.js';

export interface ParsedFile {
  f: RepoFile;
  docs: YamlDoc[];
  unknowns: Unknown[];
  /** The file was read and parsed (possibly into zero documents). */
  read: boolean;
}

/** What a worker sends back for one file (documents without closures). */
export interface WireFile {
  docs: { index: number; value: unknown; line: number; positions: [string, number, number][] }[];
  unknowns: Unknown[];
  read: boolean;
}

/** JSON worth parsing: task definitions, ECS services, flag files, Heroku app.json. */
const JSON_HINT = /"(containerDefinitions|serviceName|flags|features|formation|scripts|taskDefinition)"/;

/** Read and parse one YAML/JSON file. Never throws. */
export async function parseRepoFile(f: RepoFile, withPositions = false): Promise<ParsedFile> {
  const t = await readText(f);
  if (!t.ok) return { f, docs: [], unknowns: [t.unknown], read: false };
  if (f.rel.endsWith('.json') && !JSON_HINT.test(t.text)) return { f, docs: [], unknowns: [], read: true };
  try {
    const p = parseYaml(f.rel, t.text, withPositions);
    return { f, docs: p.docs, unknowns: p.unknowns, read: p.unknowns.length === 0 || p.docs.length > 0 };
  } catch (e) {
    return {
      f,
      docs: [],
      unknowns: [
        {
          subject: f.rel,
          reason: `YAML not parseable: ${(e as Error).message}`,
          at: { file: f.rel, line: 1 },
        },
      ],
      read: false,
    };
  }
}

export function toWire(p: ParsedFile): WireFile {
  return {
    docs: p.docs.map((d) => ({ index: d.index, value: d.value, line: d.line, positions: d.positions ?? [] })),
    unknowns: p.unknowns,
    read: p.read,
  };
}

function fromWire(f: RepoFile, w: WireFile): ParsedFile {
  return {
    f,
    docs: w.docs.map((d) => docFromPositions(f.rel, d.index, d.value, d.line, d.positions)),
    unknowns: w.unknowns,
    read: w.read,
  };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Below this many files, worker start-up costs more than it saves. */
const DEFAULT_THRESHOLD = 400;

/**
 * Parse many YAML/JSON files. Large sets are split across worker threads (YAML parsing is the
 * cost of discovery in a monorepo); results keep the input order. Runs in-process when the
 * compiled worker is not available (tests run the TypeScript sources) or for small sets.
 */
export async function parseFiles(files: RepoFile[]): Promise<ParsedFile[]> {
  const env = Number(process.env.ROLLBOOK_PARSE_THRESHOLD);
  const threshold = Number.isFinite(env) && env > 0 ? env : DEFAULT_THRESHOLD;
  const workerUrl = new URL('./parse-worker.js', import.meta.url);
  const compiled = import.meta.url.endsWith('.js');
  const count = Math.max(1, Math.min(availableParallelism(), 4));
  if (!compiled || files.length < threshold || count < 2) return mapLimit(files, 32, (f) => parseRepoFile(f));
  const slices: RepoFile[][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < files.length; i++) slices[i % count]?.push(files[i] as RepoFile);
  try {
    const results = await Promise.all(
      slices.map(
        (slice) =>
          new Promise<WireFile[]>((resolve, reject) => {
            const w = new Worker(workerUrl, { workerData: { files: slice } });
            w.once('message', (m: WireFile[]) => {
              resolve(m);
              void w.terminate();
            });
            w.once('error', reject);
            w.once('exit', (code) => {
              if (code !== 0) reject(new Error(`parse worker exited with ${code}`));
            });
          }),
      ),
    );
    const out = new Array<ParsedFile>(files.length);
    results.forEach((wire, s) => {
      wire.forEach((w, j) => {
        const i = j * count + s;
        out[i] = fromWire(files[i] as RepoFile, w);
      });
    });
    return out;
  } catch {
    // A worker could not start (restricted environment): parse in-process instead.
    return mapLimit(files, 32, (f) => parseRepoFile(f));
  }
}
