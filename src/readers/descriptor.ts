import { join } from 'node:path';
import { type Document, isMap, isNode, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Problem, RollbookError } from '../errors.js';
import type { Evidence, Service } from '../model/service.js';
import { type Descriptor, descriptorSchema } from './descriptor-schema.js';
import { findDescriptor } from './root.js';
import { emptyService } from './service-base.js';
import { readTextFile } from './text-file.js';

export { DESCRIPTOR_NAMES, findDescriptor } from './root.js';

const MAX_DESCRIPTOR_BYTES = 1024 * 1024;

/** Parse a duration such as 30s, 5m, 1h30m, 7d into seconds. */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * (unit[m[2] as string] as number);
    matched += m[0];
  }
  return matched === text && matched !== '' ? Math.round(total) : undefined;
}

interface Located {
  doc: Document;
  lines: LineCounter;
  file: string;
}

function posOf(loc: Located, offset: number): Evidence {
  const { line, col } = loc.lines.linePos(offset);
  return { file: loc.file, line, col };
}

/** Evidence for a path in the document: the node's start, or the nearest existing ancestor's. */
function evidenceAt(loc: Located, path: readonly PropertyKey[]): Evidence {
  for (let n = path.length; n >= 0; n--) {
    const node = loc.doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return posOf(loc, node.range[0]);
  }
  return { file: loc.file, line: 1, col: 1 };
}

/** Evidence of a key (for unknown-field errors): the key itself inside the map at `path`. */
function evidenceOfKey(loc: Located, path: readonly PropertyKey[], key: string): Evidence {
  const map = path.length === 0 ? loc.doc.contents : loc.doc.getIn(path as unknown[], true);
  if (isMap(map)) {
    for (const pair of map.items) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) {
        return posOf(loc, pair.key.range[0]);
      }
    }
  }
  return evidenceAt(loc, path);
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

function expectedOf(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
}

function issueProblems(loc: Located, issue: z.core.$ZodIssue): Problem[] {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Report the alternative that got furthest into the value (e.g. the mapping form of
    // state.migrations when a mapping was given), not a bare "invalid input".
    const depth = (list: z.core.$ZodIssue[]) => Math.max(0, ...list.map((i) => i.path.length));
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
    if (depth(best) > 0) {
      return best.flatMap((inner) =>
        issueProblems(loc, { ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue),
      );
    }
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      message: `unknown field "${key}"`,
      at: evidenceOfKey(loc, issue.path, key),
      path: pathText([...issue.path, key]),
      expected: 'only the fields of rollbook.yaml version 1 (see schema/rollbook.schema.json)',
    }));
  }
  const missing = issue.path.length > 0 && loc.doc.getIn(issue.path as unknown[], true) === undefined;
  const message = missing
    ? 'required field is missing'
    : issue.message.replace(/^Invalid (input|option): /, '');
  const expected = /expected/.test(message) ? undefined : expectedOf(issue);
  const problem: Problem = {
    message,
    at: evidenceAt(loc, issue.path),
    path: pathText(issue.path) || '(document)',
  };
  if (expected !== undefined) problem.expected = expected;
  return [problem];
}

/** Parse YAML text into a plain value, collecting every syntax problem with its location. */
export function parseYaml(text: string, file: string): Located & { value: unknown } {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
  });
  const loc: Located = { doc, lines, file };
  const problems: Problem[] = doc.errors.map((e) => ({
    message: e.message.split('\n')[0] ?? e.message,
    at: posOf(loc, e.pos[0]),
  }));
  if (problems.length > 0) throw new RollbookError('YAML_SYNTAX', problems);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new RollbookError('YAML_SYNTAX', [
      { message: (e as Error).message, at: { file, line: 1, col: 1 } },
    ]);
  }
  return { ...loc, value };
}

/** Read, parse and validate a rollbook.yaml. Every problem is reported at once (exit 2). */
export function readDescriptor(
  root: string,
  relFile: string,
): { descriptor: Descriptor; locate: (path: PropertyKey[]) => Evidence } {
  const text = readTextFile(join(root, relFile), { maxBytes: MAX_DESCRIPTOR_BYTES, display: relFile });
  const parsed = parseYaml(text, relFile);
  if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    throw new RollbookError(
      'INVALID_CONFIG',
      [
        {
          message: 'expected a mapping with at least "version: 1" and "service: NAME"',
          at: evidenceAt(parsed, []),
        },
      ],
      'Run "rollbook init" to write a starting rollbook.yaml.',
    );
  }
  const result = descriptorSchema.safeParse(parsed.value);
  if (!result.success) {
    const problems = result.error.issues.flatMap((i) => issueProblems(parsed, i));
    problems.sort((a, b) => (a.at?.line ?? 0) - (b.at?.line ?? 0) || (a.at?.col ?? 0) - (b.at?.col ?? 0));
    throw new RollbookError(
      'INVALID_CONFIG',
      problems,
      'The fields of rollbook.yaml are documented in README.md and schema/rollbook.schema.json.',
    );
  }
  return { descriptor: result.data, locate: (path) => evidenceAt(parsed, path) };
}

/** Turn a validated descriptor into the service model, with evidence for every object. */
export function serviceFromDescriptor(
  root: string,
  file: string,
  d: Descriptor,
  at: (path: PropertyKey[]) => Evidence,
): Service {
  const s = emptyService(root, d.service);
  s.descriptor = file;
  s.owners = d.owners ?? [];
  if (d.deploy) {
    s.deploy = { manifests: d.deploy.manifests ?? [], at: at(['deploy']) };
    if (d.deploy.platform) s.deploy.platform = d.deploy.platform;
    if (d.deploy.workload) s.deploy.workload = d.deploy.workload;
    if (d.deploy.namespace) s.deploy.namespace = d.deploy.namespace;
    if (d.deploy.context) s.deploy.context = d.deploy.context;
    if (d.deploy.pipeline) s.deploy.pipeline = d.deploy.pipeline;
    if (d.deploy.target) s.deploy.target = d.deploy.target;
  }
  if (d.artifact) {
    s.artifact = { at: at(['artifact']) };
    if (d.artifact.image) s.artifact.image = d.artifact.image;
    if (d.artifact.versioning) s.artifact.versioning = d.artifact.versioning;
  }
  const st = d.state ?? {};
  for (const [i, f] of (st.flags ?? []).entries()) {
    const src = { provider: f.provider, at: at(['state', 'flags', i]) } as Service['flagSources'][number];
    if (f.file) src.file = f.file;
    s.flagSources.push(src);
    for (const [k, key] of (f.killSwitches ?? []).entries()) {
      s.flags.push({
        key,
        provider: f.provider,
        killSwitch: true,
        at: at(['state', 'flags', i, 'killSwitches', k]),
      });
    }
  }
  s.caches = (st.caches ?? []).map((c, i) => {
    const ttlSeconds = parseDuration(c.ttl);
    return { ...c, ...(ttlSeconds !== undefined ? { ttlSeconds } : {}), at: at(['state', 'caches', i]) };
  });
  s.queues = (st.queues ?? []).map((q, i) => ({ ...q, at: at(['state', 'queues', i]) }));
  s.writes = (st.writes ?? []).map((w, i) => ({ ...w, at: at(['state', 'writes', i]) }));
  s.dependencies = (d.dependencies ?? []).map((x, i) => ({ ...x, at: at(['dependencies', i]) }));
  s.signals = (d.signals ?? []).map((x, i) => {
    const forSeconds = parseDuration(x.for);
    return {
      ...x,
      ...(forSeconds !== undefined ? { forSeconds } : {}),
      source: file,
      at: at(['signals', i]),
    };
  });
  s.synthetics = (d.synthetics ?? []).map((x, i) => ({ ...x, at: at(['synthetics', i]) }));
  s.roles = {
    rollback: d.roles?.rollback ?? [],
    dataRollback: d.roles?.dataRollback ?? [],
    ...(d.roles ? { at: at(['roles']) } : {}),
  };
  s.comms = { ...(d.comms ?? {}), ...(d.comms ? { at: at(['comms']) } : {}) };
  s.history = {
    pastRollbacks: (d.history?.pastRollbacks ?? []).map((p, i) => ({
      ...p,
      at: at(['history', 'pastRollbacks', i]),
    })),
    ...(d.history?.procedure ? { procedure: d.history.procedure } : {}),
    ...(d.history ? { at: at(['history']) } : {}),
  };
  return s;
}

/** Migration specs from the descriptor (one or several sets), with evidence. */
export function migrationSpecs(d: Descriptor, at: (path: PropertyKey[]) => Evidence) {
  const m = d.state?.migrations;
  if (m === undefined) return [];
  const list = Array.isArray(m) ? m : [m];
  return list.map((spec, i) => ({
    ...spec,
    at: at(Array.isArray(m) ? ['state', 'migrations', i] : ['state', 'migrations']),
  }));
}

/** `state.migrations` of the descriptor in root (validated with the rest of the file), or none. */
export function descriptorMigrationSpecs(root: string) {
  const file = findDescriptor(root);
  if (!file) return [];
  const { descriptor, locate } = readDescriptor(root, file);
  return migrationSpecs(descriptor, locate);
}
