import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { analyze, loadService, plan, render } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import { renderCommand } from '../../src/util/shell.js';

export const SHAPES = resolve(import.meta.dirname, '../../fixtures/repos');

/** The design of a fixture repository, as `rollbook plan` makes it (library path, no CLI). */
export async function design(name: string, workload?: string): Promise<Plan> {
  const service = await loadService(join(SHAPES, name), workload ? { workload } : {});
  return plan(service, analyze(service));
}

/** Every command of the runbook's steps, rendered as a person would type it. */
export function commands(p: Plan): string[] {
  return p.runbook.flatMap((s) => s.commands.map((c) => c.manual ?? renderCommand(c)));
}

/** The duration drivers as `name=value (source@file:line)`. */
export function drivers(p: Plan): string[] {
  return p.estimate.drivers.map(
    (d) => `${d.name}=${d.value} (${d.source}${d.at ? `@${d.at.file}:${d.at.line}` : ''})`,
  );
}

export function hazardIds(p: Plan): string[] {
  return p.hazards.map((h) => h.rule);
}

/** The backup step (take-backup): its title and commands, and that md, json, sh and html all show each command. */
export function backupStep(p: Plan): { title: string; commands: string[] } {
  const step = p.runbook.find((s) => s.id === 'take-backup');
  if (!step) throw new Error('no take-backup step');
  const shown = step.commands.map((c) => c.manual ?? renderCommand(c));
  for (const format of ['md', 'json', 'sh', 'html']) {
    const out = render(p, format);
    const text =
      format === 'html'
        ? out
            .replaceAll('&quot;', '"')
            .replaceAll('&#39;', "'")
            .replaceAll('&lt;', '<')
            .replaceAll('&gt;', '>')
            .replaceAll('&amp;', '&')
        : out;
    if (format === 'json') {
      const parsed = JSON.parse(out) as Plan;
      const json = parsed.runbook.find((s) => s.id === 'take-backup')?.commands ?? [];
      expect(json.map((c) => (c.argv?.length ? renderCommand(c) : c.manual))).toEqual(shown);
    } else
      step.commands.forEach((c, i) => {
        const cmd = shown[i] as string;
        // md and html show the command as typed; sh runs it with its inputs as RB_IN_*
        const want = format === 'sh' && c.argv.length ? cmd.replace(/\$\{([A-Z_]+)\}/g, '$${RB_IN_$1}') : cmd;
        expect(text, `${format} shows ${cmd}`).toContain(
          format === 'sh' && !c.argv.length ? want.slice(0, 40) : want,
        );
      });
    expect(text, `${format} shows the step`).toContain(step.title.split(':')[0]!);
  }
  return { title: step.title, commands: shown };
}
