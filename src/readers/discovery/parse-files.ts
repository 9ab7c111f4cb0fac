import type { Unknown } from '../../model/service.js';
import { mapLimit } from '../../util/map-limit.js';
import { readText } from './text.js';
import type { RepoFile } from './walk.js';
import { parseYaml, type YamlDoc } from './yaml.js';

export interface ParsedFile {
  f: RepoFile;
  docs: YamlDoc[];
  unknowns: Unknown[];
  /** The file was read and parsed (possibly into zero documents). */
  read: boolean;
  /** Kinds of documents skipped unread (Service, Ingress, ...). */
  skipped?: string[];
}

/** JSON worth parsing: task definitions, ECS services, flag files, Heroku app.json. */
const JSON_HINT = /"(containerDefinitions|serviceName|flags|features|formation|scripts|taskDefinition)"/;

/** Read and parse one YAML/JSON file. Never throws. */
export async function parseRepoFile(f: RepoFile): Promise<ParsedFile> {
  const t = await readText(f);
  if (!t.ok) return { f, docs: [], unknowns: [t.unknown], read: false };
  if (f.rel.endsWith('.json') && !JSON_HINT.test(t.text)) return { f, docs: [], unknowns: [], read: true };
  try {
    const p = parseYaml(f.rel, t.text);
    return {
      f,
      docs: p.docs,
      unknowns: p.unknowns,
      read: p.unknowns.length === 0 || p.docs.length > 0,
      ...(p.skipped ? { skipped: p.skipped } : {}),
    };
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

/** Read and parse many YAML/JSON files (32 reads in flight); results keep the input order. */
export async function parseFiles(files: RepoFile[]): Promise<ParsedFile[]> {
  return mapLimit(files, 32, (f) => parseRepoFile(f));
}
