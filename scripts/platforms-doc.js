// Writes docs/platforms.md from the platform modules themselves (run: npm run docs:platforms):
// for each deploy mechanism, the rollback sequence, history and status commands, the duration
// model with its defaults, and the built-in hazards (what the mechanism does not undo).
// With --check, exits 1 when the committed page is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLATFORMS } from '../dist/platforms/index.js';
import { emptyService } from '../dist/readers/service-base.js';
import { renderCommand } from '../dist/util/shell.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs/platforms.md');

function sample(id) {
  const s = emptyService('/repo', 'my-service');
  s.descriptor = 'rollbook.yaml';
  s.deploy = { platform: id, workload: 'my-service', namespace: 'prod', manifests: [] };
  return { service: s };
}

const lines = [
  '# Deploy platforms',
  '',
  'What rollbook designs for each deploy mechanism, generated from `src/platforms/` for a service named',
  '`my-service` in namespace `prod` with no manifest read (so every duration uses the platform defaults).',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell variable syntax shown to the reader
  'Values written `${VAR}` are asked for when the runbook starts. Regenerate with `npm run docs:platforms`.',
  '',
];
for (const id of Object.keys(PLATFORMS).sort()) {
  const p = PLATFORMS[id];
  const ctx = sample(id);
  const rb = p.rollback(ctx);
  const d = p.duration(ctx);
  lines.push(`## ${p.title} (\`${id}\`)`, '');
  lines.push(
    rb.oneCommand ? `**One command:** \`${renderCommand(rb.command)}\`` : '**Not a one-command rollback.**',
    '',
  );
  lines.push(rb.why, '');
  lines.push(`- history: \`${renderCommand(p.history(ctx))}\``);
  lines.push(`- status: \`${renderCommand(p.status(ctx))}\``);
  lines.push(
    `- duration with defaults: ${d.expectedSeconds}s expected, ${d.maxSeconds}s worst case — ${d.basis}`,
    '',
  );
  lines.push('Steps:', '');
  rb.steps.forEach((s, i) => {
    const cmds = s.commands.map((c) => (c.argv.length ? `\`${renderCommand(c)}\`` : c.manual)).join('; ');
    lines.push(`${i + 1}. ${s.title}${cmds ? ` — ${cmds}` : ''}`);
  });
  lines.push('', 'What it does not undo:', '');
  for (const h of p.hazards(ctx)) lines.push(`- \`${h.rule}\` (${h.severity}, ${h.kind}): ${h.message}`);
  lines.push('');
}
const text = `${lines.join('\n').replace(/\n+$/, '')}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('docs/platforms.md is out of date: run npm run docs:platforms');
    process.exitCode = 1;
  }
} else {
  writeFileSync(out, text);
  console.log('wrote docs/platforms.md');
}
