import type { Evidence, Finding, ImageRef } from '../model/index.js';
import { createRule } from './create-rule.js';
import { unmatchedTarget } from './support/pipeline.js';

const MOVING =
  /^(latest|main|master|trunk|develop|dev|edge|nightly|stable|staging|stage|prod|production|release|canary|beta|alpha|test|current|head|snapshot)$/i;

/** Why an image reference is mutable, or null when pinned (digest, full version, commit SHA, pipeline variable). */
export function mutableTagReason(img: Pick<ImageRef, 'tag' | 'digest'>): string | null {
  if (img.digest) return null;
  if (img.tag === undefined) return 'no tag (resolves to :latest)';
  const tag = img.tag;
  if (/\{\{|\$\{|\$[A-Z_]/.test(tag)) return null;
  if (MOVING.test(tag)) return `moving tag :${tag}`;
  if (/^v?\d+(\.\d+)?$/.test(tag))
    return `moving tag :${tag} (major or minor only; every patch release moves it)`;
  if (/-(latest|snapshot)$/i.test(tag)) return `moving tag :${tag}`;
  return null;
}

/** The pipeline's deploy command names the workload as a word (`--service orders-worker`, `deployment/api`). */
function deploysWorkload(command: string | undefined, workload: string): boolean {
  if (!command) return false;
  const escaped = workload.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s/=:"'])${escaped}($|[\\s"':,])`).test(command);
}

export default createRule(
  {
    id: 'mutable-image-tag',
    kind: 'artifact',
    severity: 'error',
    description: 'An image is referenced by a tag that moves (none, latest, main, stable, v1...)',
    rationale:
      'A rollback re-deploys the previous pod template; if that template names a tag that now points at the new (bad) image, the "rollback" runs the same broken code.',
    mitigation:
      'Deploy by commit SHA or digest (image@sha256:...) and let the pipeline write that reference into the manifest.',
    scope: 'config',
  },
  (service, report) => {
    const out: Finding[] = [];
    // One finding per image reference, with every place it appears as evidence.
    const byRef = new Map<string, Finding>();
    /** The workloads of each image finding, for the pipeline that deploys them. */
    const workloadsOf = new Map<Finding, string[]>();
    for (const w of service.workloads) {
      const subject = `${w.namespace ? `${w.namespace}/` : ''}${w.kind.toLowerCase()}/${w.name}`;
      for (const img of w.images) {
        const reason = mutableTagReason(img);
        if (!reason) continue;
        const at: Evidence = img.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 };
        const seen = byRef.get(img.ref);
        if (seen) {
          workloadsOf.get(seen)?.push(w.name);
          if (!seen.evidence.some((e) => e.file === at.file && e.line === at.line)) seen.evidence.push(at);
          continue;
        }
        const f = report({
          subject,
          message: `${img.ref}: ${reason}; rolling back to this revision may pull the same new image`,
          evidence: [at],
          appRollbackSafe: false,
          revertLossless: true,
          touchesData: false,
          mitigation: `Pin ${img.repository} by commit SHA or digest in ${at.file} (e.g. ${img.repository}:<git-sha> or ${img.repository}@sha256:...), written by the pipeline on each deploy.`,
        });
        byRef.set(img.ref, f);
        workloadsOf.set(f, [w.name]);
        out.push(f);
      }
    }
    const image = service.artifact.image;
    const same = [...byRef.entries()].find(([ref]) => image !== undefined && ref.startsWith(image))?.[1];
    if (service.artifact.versioning === 'mutable-tag' && same) {
      // The declared versioning is the same problem as that image's tag: one finding, both places.
      const at = service.artifact.at;
      if (at && !same.evidence.some((e) => e.file === at.file && e.line === at.line)) same.evidence.push(at);
    } else if (service.artifact.versioning === 'mutable-tag') {
      const at = service.artifact.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 };
      out.push(
        report({
          subject: service.artifact.image ?? service.name,
          message: 'artifact.versioning is mutable-tag: the previous version cannot be named reliably',
          evidence: [at],
          appRollbackSafe: false,
          revertLossless: true,
          touchesData: false,
          mitigation: `Tag ${service.artifact.image ?? 'the image'} with the commit SHA (or deploy by digest) and set artifact.versioning to git-sha or digest.`,
        }),
      );
    }
    // one finding per pipeline file: its deploy jobs share the tag the file moves
    const reported = new Set<string>();
    for (const p of service.pipelines) {
      if (p.immutableTag !== false) continue;
      // The pipeline moves the tag that the workload it deploys runs: one problem, both places.
      const at = p.at ?? { file: p.file, line: 1 };
      const deployed = [...workloadsOf].filter(([, names]) =>
        names.some((name) => deploysWorkload(p.deployCommand, name)),
      );
      for (const [f] of deployed) {
        f.evidence.push(at);
        f.message += ` (${p.file} moves a :latest tag on every run and deploys it)`;
        f.mitigation += ` In ${p.file}, tag the image with the commit SHA and deploy that tag.`;
      }
      if (deployed.length || reported.has(p.file)) continue;
      reported.add(p.file);
      out.push(
        report({
          subject: `${p.provider} ${p.deployJob ?? p.file}`,
          message: `${p.file}: the pipeline pushes a moving tag (:latest) and no commit-SHA tag${unmatchedTarget(p)}`,
          evidence: [at],
          appRollbackSafe: false,
          revertLossless: true,
          touchesData: false,
          mitigation: `In ${p.file}, tag and deploy the image as :\${{ github.sha }} / :$CI_COMMIT_SHA instead of :latest.`,
        }),
      );
    }
    return out;
  },
);
