import type { ImageRef, RolloutSettings, Unknown, Workload } from '../../model/service.js';
import { parseImage } from './image.js';
import { lineOfMatch } from './text.js';
import { arr, bool, durationSeconds, isObj, num, str } from './yaml.js';

export function looksLikeNomad(file: string, text: string): boolean {
  return (
    /\.nomad(\.hcl)?$/.test(file) || (/\.hcl$/.test(file) && /^[ \t]*job[ \t]+"[^"\n]+"[ \t]*\{/m.test(text))
  );
}

type Hcl = Record<string, unknown>;

function blocks(v: unknown): [string, Hcl][] {
  // hcl2json: labelled blocks are { label: [ {...} ] }, unlabelled ones [ {...} ]
  if (Array.isArray(v)) return v.filter(isObj).map((b) => ['', b]);
  if (!isObj(v)) return [];
  return Object.entries(v).flatMap(([label, list]) =>
    arr(list)
      .filter(isObj)
      .map((b): [string, Hcl] => [label, b]),
  );
}

/** Nomad job files, parsed with @cdktf/hcl2json (HCL2 → JSON). Line numbers come from the text. */
export async function readNomad(
  file: string,
  text: string,
): Promise<{ workloads: Workload[]; unknowns: Unknown[] }> {
  let parsed: Hcl;
  try {
    const { parse } = await import('@cdktf/hcl2json');
    parsed = (await parse(file, text)) as Hcl;
  } catch (e) {
    const msg = String((e as Error)?.message ?? e)
      .replace(/\s+/g, ' ')
      .slice(0, 200);
    const m = /:(\d+),(\d+)/.exec(msg);
    return {
      workloads: [],
      unknowns: [
        {
          subject: file,
          reason: `Nomad/HCL file not parseable: ${msg}`,
          at: { file, line: m ? Number(m[1]) : 1, ...(m ? { col: Number(m[2]) } : {}) },
        },
      ],
    };
  }
  const workloads: Workload[] = [];
  for (const [name, job] of blocks(parsed.job)) {
    const line = (re: RegExp) => ({ file, line: lineOfMatch(text, re) ?? 1 });
    const s: RolloutSettings = {};
    const updates = [...blocks(job.update)];
    const images: ImageRef[] = [];
    let count = 0;
    let hasCount = false;
    let health = false;
    for (const [, group] of blocks(job.group)) {
      updates.push(...blocks(group.update));
      const c = num(group.count);
      if (c !== undefined) {
        count += c;
        hasCount = true;
      }
      for (const [, task] of blocks(group.task)) {
        for (const [, config] of blocks(task.config)) {
          const image = str(config.image);
          if (image) images.push(parseImage(image, line(new RegExp(`image\\s*=\\s*"${escapeRe(image)}"`))));
        }
        for (const [, service] of blocks(task.service)) if (blocks(service.check).length) health = true;
      }
      for (const [, service] of blocks(group.service)) if (blocks(service.check).length) health = true;
    }
    const u = updates[0]?.[1] ?? {};
    const uAt = (key: string) => line(new RegExp(`^[ \\t]*${key}[ \\t]*=`, 'm'));
    const mp = num(u.max_parallel);
    if (mp !== undefined) s.maxParallel = { value: mp, at: uAt('max_parallel') };
    const ar = bool(u.auto_revert);
    if (ar !== undefined) s.autoRevert = { value: ar, at: uAt('auto_revert') };
    const canary = num(u.canary);
    if (canary !== undefined) s.canary = { value: canary, at: uAt('canary') };
    const mh = durationSeconds(u.min_healthy_time);
    if (mh !== undefined) s.minReadySeconds = { value: mh, at: uAt('min_healthy_time') };
    const hd = durationSeconds(u.healthy_deadline);
    if (hd !== undefined) s.progressDeadlineSeconds = { value: hd, at: uAt('healthy_deadline') };
    if (hasCount) s.replicas = { value: count, at: line(/^[ \t]*count[ \t]*=/m) };
    s.hasReadinessProbe = {
      value: health || str(u.health_check) === 'task_states',
      at: line(/^[ \t]*(?:check|service|update)[ \t]*\{/m),
    };
    const ns = str(job.namespace);
    workloads.push({
      kind: 'NomadJob',
      name,
      platform: 'nomad',
      at: line(new RegExp(`^[ \\t]*job[ \\t]+"${escapeRe(name)}"`, 'm')),
      images,
      settings: s,
      config: [],
      nomad: { job: name },
      ...(ns ? { namespace: ns } : {}),
    });
  }
  return { workloads, unknowns: [] };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
