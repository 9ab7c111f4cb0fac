import { join } from 'node:path';
import { Document, isMap, isNode, isPair, isScalar, LineCounter } from 'yaml';
import type { z } from 'zod';
import { type Problem, RollbookError } from '../errors.js';
import type { Evidence, Service, SignalOp } from '../model/service.js';
import { checkNonFinite, checkNumbers, DURATION } from './bounds.js';
import { type Descriptor, descriptorSchema } from './descriptor-schema.js';
import { attributeKind, checkNames, type NameCheck, workloadRefChecks } from './names.js';
import { findDescriptor } from './root.js';
import { emptyService } from './service-base.js';
import { readTextFile } from './text-file.js';
import {
  firstProblems,
  MAX_YAML_ERRORS,
  nonFiniteNumbers,
  nonFiniteProblem,
  parseYamlStream,
} from './yaml-stream.js';

export { DESCRIPTOR_NAMES, findDescriptor } from './root.js';

const MAX_DESCRIPTOR_BYTES = 1024 * 1024;
/** A cache TTL may be long (a year), never unbounded. */
const TTL = { min: 0, max: 365 * 86_400, what: 'a duration up to 365d' };

/** Parse a duration such as 30s, 5m, 1h30m, 7d into seconds. */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const re = /(?<!\d)(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
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
  const stream = parseYamlStream(
    text,
    { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true },
    true,
  );
  const [doc, second] = stream.docs;
  if (stream.flood || !doc) {
    const f = stream.flood ?? { offset: 0, message: 'not YAML', errors: 1 };
    const at = posOf({ doc: new Document(), lines, file }, f.offset);
    throw new RollbookError('YAML_SYNTAX', [
      { message: `${f.message.split('\n')[0]} (and more than ${MAX_YAML_ERRORS} errors: not YAML)`, at },
    ]);
  }
  const loc: Located = { doc, lines, file };
  const problems: Problem[] = doc.errors.map((e) => ({
    message: e.message.split('\n')[0] ?? e.message,
    at: posOf(loc, e.pos[0]),
  }));
  if (second)
    problems.push({
      message: 'Source contains multiple documents; rollbook.yaml is one document',
      at: posOf(loc, second.range[0]),
    });
  if (problems.length > 0) throw new RollbookError('YAML_SYNTAX', firstProblems(problems));
  checkNonFinite(nonFiniteNumbers(doc).map((r) => nonFiniteProblem(text, r, posOf(loc, r[0]))));
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
  const text = readTextFile(join(root, relFile), { maxBytes: MAX_DESCRIPTOR_BYTES, display: relFile, root });
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
      firstProblems(problems),
      'The fields of rollbook.yaml are documented in README.md and schema/rollbook.schema.json.',
    );
  }
  const control = controlCharacters(parsed.value).map((path) => ({
    message:
      'contains a control character (NUL, ESC…): rollbook.yaml values become command arguments and paths',
    at: evidenceAt(parsed, path),
    path: pathText(path),
  }));
  if (control.length > 0) throw new RollbookError('INVALID_INPUT', control.slice(0, 20));
  return { descriptor: result.data, locate: (path) => evidenceAt(parsed, path) };
}

/** Paths of the string values (and keys) holding a C0 control character other than tab and newline, or DEL. */
function controlCharacters(value: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  if (typeof value === 'string') return /[\u0000-\u0008\u000b-\u001f\u007f]/.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => controlCharacters(v, [...path, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [
      ...controlCharacters(k, path).map(() => [...path, k]),
      ...controlCharacters(v, [...path, k]),
    ]);
  return [];
}

/** Turn a validated descriptor into the service model, with evidence for every object. */
export function serviceFromDescriptor(
  root: string,
  file: string,
  d: Descriptor,
  at: (path: PropertyKey[]) => Evidence,
): Service {
  checkNames(descriptorNameChecks(d, at));
  checkNumbers([
    ...(d.signals ?? []).map((x, i) => ({
      value: parseDuration(x.for),
      bound: DURATION,
      field: 'signals.for',
      at: at(['signals', i, 'for']),
    })),
    ...(d.state?.caches ?? []).map((c, i) => ({
      value: parseDuration(c.ttl),
      bound: TTL,
      field: 'state.caches.ttl',
      at: at(['state', 'caches', i, 'ttl']),
    })),
  ]);
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
    if (d.deploy.valuesFiles?.length)
      s.deploy.valuesFiles = d.deploy.valuesFiles.map((path, i) => ({
        path,
        at: at(['deploy', 'valuesFiles', i]),
      }));
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
    if (f.keys?.length) src.keys = f.keys;
    if (f.killSwitches?.length) src.killSwitches = f.killSwitches;
    if (f.workloads?.length) src.workloads = f.workloads;
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
    const op = x.op ?? defaultSignalOp(x.name);
    return {
      ...x,
      ...(op ? { op } : {}),
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

/** The names of rollbook.yaml that can become command arguments, each with its location. */
function descriptorNameChecks(d: Descriptor, at: (path: PropertyKey[]) => Evidence): NameCheck[] {
  const platform = d.deploy?.platform;
  const checks: NameCheck[] = [];
  if (d.deploy?.workload !== undefined)
    checks.push(
      ...workloadRefChecks(platform, d.deploy.workload, at(['deploy', 'workload']), 'deploy.workload'),
    );
  if (d.deploy?.namespace !== undefined)
    checks.push({
      kind: attributeKind(platform, 'namespace') ?? 'name',
      value: d.deploy.namespace,
      at: at(['deploy', 'namespace']),
      path: 'deploy.namespace',
    });
  for (const [key, value] of Object.entries(d.deploy?.target ?? {})) {
    const kind = attributeKind(platform, key);
    if (kind) checks.push({ kind, value, at: at(['deploy', 'target', key]), path: `deploy.target.${key}` });
  }
  for (const [i, w] of (d.state?.writes ?? []).entries()) {
    const m = /^(dynamodb|s3):\/\/([^/]*)/i.exec(w.store.trim());
    if (m?.[1] && m[2] !== undefined)
      checks.push({
        kind: m[1].toLowerCase() === 's3' ? 's3-bucket' : 'dynamodb-table',
        value: m[2],
        at: at(['state', 'writes', i, 'store']),
        path: 'state.writes.store',
      });
  }
  for (const [i, m] of migrationList(d).entries())
    if (m.path !== undefined)
      checks.push({
        kind: 'path',
        value: m.path,
        at: at(
          Array.isArray(d.state?.migrations)
            ? ['state', 'migrations', i, 'path']
            : ['state', 'migrations', 'path'],
        ),
        path: 'state.migrations.path',
      });
  return checks;
}

function migrationList(d: Descriptor) {
  const m = d.state?.migrations;
  return m === undefined ? [] : Array.isArray(m) ? m : [m];
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

/**
 * The direction a signal is bad in when rollbook.yaml does not say (`op`): above the threshold for
 * names that say error, failure or latency. Any other name has no default: the design reports it.
 */
export function defaultSignalOp(name: string): SignalOp | undefined {
  return /error|fail|5xx|latency|duration|p9\d|timeout/i.test(name) ? '>' : undefined;
}
