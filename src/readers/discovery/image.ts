import type { Evidence, ImageRef } from '../../model/service.js';

/**
 * Split an image reference into repository, tag and digest, as container runtimes read it:
 * `host:5000/team/app:1.2@sha256:...`. A registry port is not a tag (the tag follows the last
 * colon after the last slash).
 */
export function parseImage(ref: string, at?: Evidence): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const atSign = rest.indexOf('@');
  if (atSign >= 0) {
    digest = rest.slice(atSign + 1);
    rest = rest.slice(0, atSign);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const out: ImageRef = { ref: ref.trim(), repository: rest };
  if (tag !== undefined && tag !== '') out.tag = tag;
  if (digest) out.digest = digest;
  if (at) out.at = at;
  return out;
}

/** Render an ImageRef back to its reference form. */
export function formatImage(repository: string, tag?: string, digest?: string): string {
  return `${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/** Tags that move: they point at a different image tomorrow. */
const MOVING =
  /^(latest|main|master|trunk|develop|dev|edge|nightly|stable|staging|stage|prod|production|release|canary|beta|alpha|test|current|head|snapshot)$/i;

/** Why an image reference is mutable, or null when it is pinned (digest, full version or commit SHA). */
export function mutableTagReason(img: Pick<ImageRef, 'tag' | 'digest' | 'ref'>): string | null {
  if (img.digest) return null;
  if (img.tag === undefined) return 'no tag (resolves to :latest)';
  const tag = img.tag;
  if (/\{\{|\$\{|\$[A-Z_]/.test(tag)) return null; // filled in by a pipeline or a template
  if (MOVING.test(tag)) return `moving tag :${tag}`;
  if (/^v?\d+(\.\d+)?$/.test(tag))
    return `moving tag :${tag} (major or minor version only; patch releases move it)`;
  if (/-(latest|snapshot)$/i.test(tag)) return `moving tag :${tag}`;
  return null;
}

/** How a tag is versioned, for rollbook.yaml's artifact.versioning. */
export function versioningOf(img: ImageRef): 'git-sha' | 'semver' | 'digest' | 'mutable-tag' | undefined {
  if (img.digest) return 'digest';
  if (mutableTagReason(img)) return 'mutable-tag';
  const tag = img.tag ?? '';
  if (/^(sha-)?[0-9a-f]{7,40}$/.test(tag) || /-g?[0-9a-f]{7,40}$/.test(tag)) return 'git-sha';
  if (/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(tag)) return 'semver';
  return undefined;
}
