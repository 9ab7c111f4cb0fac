import type { VmFacts } from '../../model/facts.js';
import type { RolloutSettings, Workload } from '../../model/service.js';
import { durationSeconds } from './yaml.js';

/** A systemd service unit: ExecStart, WorkingDirectory (symlinked releases), TimeoutStopSec, Restart. */
export function readSystemdUnit(file: string, text: string): Workload | undefined {
  let section = '';
  const kv = new Map<string, { value: string; line: number }>();
  text.split(/\r?\n/).forEach((l, i) => {
    const sec = /^\s*\[([A-Za-z]+)\]\s*$/.exec(l);
    if (sec?.[1]) {
      section = sec[1];
      return;
    }
    const m = /^\s*([A-Za-z]+)\s*=(.*)$/.exec(l);
    if (m?.[1] && section === 'Service' && !kv.has(m[1]))
      kv.set(m[1], { value: (m[2] ?? '').trim(), line: i + 1 });
  });
  const exec = kv.get('ExecStart');
  if (!exec) return undefined;
  // A unit that runs docker compose is how the compose project starts at boot, not a VM release.
  if (/\bdocker(-compose|\s+compose)\b/.test(exec.value)) return undefined;
  const unit = file.split('/').pop() as string;
  const s: RolloutSettings = {};
  const stop = kv.get('TimeoutStopSec');
  const stopS = stop ? durationSeconds(stop.value.replace(/\s+/g, '')) : undefined;
  if (stop && stopS !== undefined)
    s.terminationGracePeriodSeconds = { value: stopS, at: { file, line: stop.line } };
  const start = kv.get('TimeoutStartSec');
  const startS = start ? durationSeconds(start.value.replace(/\s+/g, '')) : undefined;
  if (start && startS !== undefined) s.startupSeconds = { value: startS, at: { file, line: start.line } };
  const vm: VmFacts = { unit };
  const wd = kv.get('WorkingDirectory')?.value ?? exec.value;
  const cur = currentParent(wd);
  if (cur) vm.releasesDir = `${cur}/releases`;
  if (cur) vm.currentLink = `${cur}/current`;
  const restart = kv.get('Restart');
  if (restart) vm.restart = restart.value;
  return {
    kind: 'SystemdUnit',
    name: unit.replace(/\.service$/, ''),
    platform: 'vm',
    at: { file, line: exec.line },
    images: [],
    settings: s,
    config: [],
    vm,
  };
}

/** The directory holding a `current` link named in a command line (`/srv/app` in `/srv/app/current/bin/x`), in one pass. */
function currentParent(line: string): string | undefined {
  for (const token of line.split(/\s+/)) {
    const slash = token.indexOf('/');
    if (slash < 0) continue;
    for (let k = token.indexOf('/current', slash + 1); k >= 0; k = token.indexOf('/current', k + 1)) {
      const after = token[k + '/current'.length];
      if (after === undefined || after === '/') return token.slice(slash, k);
    }
  }
  return undefined;
}
