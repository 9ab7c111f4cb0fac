/**
 * docker compose: `docker manifest inspect IMAGE` (the target image's manifest: it exists and can be
 * pulled; compose keeps no history of its own) and `docker compose ps --format json SERVICE` (one
 * JSON object per line since Compose 2.21, a JSON array before: State running/restarting/exited/…,
 * Health starting/healthy/unhealthy/"").
 * Format: https://docs.docker.com/reference/cli/docker/compose/ps/ and
 * https://docs.docker.com/reference/cli/docker/manifest/inspect/.
 */
import { at, firstLine, isObject, jsonLinesOf, jsonOf, notUnderstood, str } from './read.js';
import { fail, type Probe, pass } from './types.js';

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
