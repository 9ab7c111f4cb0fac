/**
 * docker compose: `docker manifest inspect IMAGE` (the target image's manifest: it exists and can be
 * pulled; compose keeps no history of its own) and `docker compose ps --format json SERVICE` (one
 * JSON object per line since Compose 2.21, a JSON array before: State running/restarting/exited/…,
 * Health starting/healthy/unhealthy/"").
 * Format: https://docs.docker.com/reference/cli/docker/compose/ps/ and
 * https://docs.docker.com/reference/cli/docker/manifest/inspect/.
 */
import { at, firstLine, isObject, jsonLinesOf, jsonOf, notUnderstood, str } from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

export const dockerManifest: Probe = {
  id: 'docker-manifest',
  platforms: ['compose'],
  reads: 'docker manifest inspect IMAGE',
  format: 'https://docs.docker.com/reference/cli/docker/manifest/inspect/',
  passes: 'the registry returns a manifest (or an index) for the target image',
  read({ output, exitCode }) {
    if (/no such manifest|manifest unknown|not found/i.test(output) && exitCode !== 0)
      return fail(`the target image is gone from the registry: ${firstLine(output)}`);
    const doc = jsonOf(output);
    const media = str(at(doc, 'mediaType'));
    const version = at(doc, 'schemaVersion');
    if (exitCode !== 0 || version === undefined)
      return notUnderstood('docker manifest inspect JSON', exitCode, output);
    return pass(`the registry has the target image (${media ?? `schema version ${String(version)}`})`);
  },
};

interface Container {
  name: string;
  state: string;
  health: string;
}

/** The containers of `docker compose ps --format json`, or undefined when the output is not that. */
function containersOf(output: string, exitCode: number): Container[] | undefined {
  const rows = exitCode === 0 && output.trim() === '' ? [] : jsonLinesOf(output);
  if (exitCode !== 0 || rows === undefined) return undefined;
  return rows.filter(isObject).map((r) => ({
    name: str(r.Name) ?? str(r.Service) ?? '?',
    state: str(r.State) ?? '',
    health: str(r.Health) ?? '',
  }));
}

const listOf = (cs: Container[]) =>
  cs.map((c) => `${c.name} ${c.state}${c.health ? `/${c.health}` : ''}`).join(', ');

export const composePs: Probe = {
  id: 'compose-ps',
  platforms: ['compose'],
  reads: 'docker compose ps --format json SERVICE',
  format: 'https://docs.docker.com/reference/cli/docker/compose/ps/',
  passes:
    'every container is running and healthy or without a healthcheck (complete), or unhealthy/restarting (stalled: passes); a container still starting fails',
  read({ output, exitCode }) {
    const cs = containersOf(output, exitCode);
    if (cs === undefined) return notUnderstood('docker compose ps --format json', exitCode, output);
    if (cs.length === 0) return pass('no container of the service exists: nothing is in progress');
    const list = listOf(cs);
    if (cs.some((c) => c.health === 'starting' || c.state === 'created' || c.state === 'removing'))
      return fail(`progressing: ${list}: a container is still starting; wait for its healthcheck`);
    if (
      cs.some(
        (c) =>
          c.health === 'unhealthy' || c.state === 'restarting' || c.state === 'exited' || c.state === 'dead',
      )
    )
      return pass(`stalled: ${list} (the usual reason to roll back)`);
    return pass(`complete: ${list}`);
  },
};

/**
 * After a service was recreated: every container running, and healthy when the service has a
 * healthcheck (--want healthy). Read from the JSON, not the table: the table's "(unhealthy)" contains
 * "healthy".
 */
export const composeUp: Probe = {
  id: 'compose-up',
  platforms: ['compose'],
  reads: 'docker compose ps --format json SERVICE',
  format: 'https://docs.docker.com/reference/cli/docker/compose/ps/',
  passes:
    'at least one container, every one running, and healthy when the service has a healthcheck (--want healthy); starting, unhealthy, restarting or exited fail',
  read({ output, exitCode, want }) {
    const cs = containersOf(output, exitCode);
    if (cs === undefined) return notUnderstood('docker compose ps --format json', exitCode, output);
    if (cs.length === 0) return fail('no container of the service is running');
    const list = listOf(cs);
    const bad = cs.filter(
      (c) =>
        c.state !== 'running' || (want === 'healthy' ? c.health !== 'healthy' : c.health === 'unhealthy'),
    );
    if (bad.length > 0) return fail(`not up: ${listOf(bad)}${bad.length < cs.length ? ` (of ${list})` : ''}`);
    return pass(
      want === 'healthy'
        ? `running and healthy: ${list}`
        : `running (no healthcheck: check the service by hand): ${list}`,
    );
  },
};

/** An image reference split as the Docker distribution reference grammar does (repository, tag, digest). */
interface ImageRef {
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * `name[:tag][@digest]`, with the repository normalised as docker does (a first component without
 * "." or ":" that is not localhost is on docker.io; a one-component name is docker.io/library/NAME).
 */
export function imageRef(text: string): ImageRef | undefined {
  const t = text.trim();
  if (t === '' || /\s/.test(t)) return undefined;
  const [nameTag = '', digest] = t.split('@', 2);
  const slash = nameTag.lastIndexOf('/');
  const colon = nameTag.lastIndexOf(':');
  const tag = colon > slash ? nameTag.slice(colon + 1) : undefined;
  let repository = colon > slash ? nameTag.slice(0, colon) : nameTag;
  if (repository === '') return undefined;
  const parts = repository.split('/');
  const first = parts[0] ?? '';
  if (parts.length === 1) repository = `docker.io/library/${repository}`;
  else if (!/[.:]/.test(first) && first !== 'localhost') repository = `docker.io/${repository}`;
  return { repository: repository.toLowerCase(), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

const refText = (r: ImageRef) =>
  `${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;

/**
 * After the pin: `docker compose config --images SERVICE…` prints one image per selected service (and
 * per service it depends on) as the project resolves it, after interpolation of .env and the
 * environment (docker/compose cmd/compose/config.go runConfigImages: the service's image, or
 * PROJECT-SERVICE when it has none). The lines of the target's repository must all carry its tag (or
 * digest); lines of other repositories are the dependencies', not read.
 */
export const composeImages: Probe = {
  id: 'compose-images',
  platforms: ['compose'],
  reads: 'docker compose config --images SERVICE',
  format: 'https://docs.docker.com/reference/cli/docker/compose/config/',
  passes:
    "every resolved image of the target's repository carries the target's tag (or digest), and at least one does",
  wants: true,
  read({ output, exitCode, want }) {
    if (exitCode !== 0) return notUnderstood('docker compose config --images', exitCode, output);
    const target = imageRef(want ?? '');
    if (!target) return unknown(`the target image "${want ?? ''}" is not an image reference`);
    if (!target.tag && !target.digest)
      return unknown(
        `the target image ${want ?? ''} names no tag or digest: it cannot be told from the bad one`,
      );
    const lines = output
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const refs = lines.map((l) => ({ line: l, ref: imageRef(l) }));
    if (refs.length === 0 || refs.some((r) => !r.ref))
      return notUnderstood('docker compose config --images (one image per line)', exitCode, output);
    const ours = refs.filter((r) => r.ref?.repository === target.repository);
    if (ours.length === 0)
      return fail(
        `no service resolves to ${target.repository} (it resolves ${lines.join(', ')}): the pin names another image, or the services were not selected`,
      );
    const wrong = ours.filter((r) =>
      target.digest ? r.ref?.digest !== target.digest : (r.ref?.tag ?? 'latest') !== target.tag,
    );
    if (wrong.length > 0)
      return fail(
        `not pinned: ${wrong.map((r) => r.line).join(', ')} (want ${refText(target)}); compose reads .env, and an exported variable wins over it`,
      );
    return pass(`pinned: ${ours.map((r) => r.line).join(', ')}`);
  },
};
