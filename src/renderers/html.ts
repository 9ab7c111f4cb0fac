/**
 * `--format html`: one self-contained page to read during an incident, on a phone or on paper.
 * No network: inline CSS and SVG, one inline script (copy buttons), a strict Content-Security-Policy
 * that allows exactly that style and that script by hash. Every plan string is HTML-escaped; element
 * ids are positional, never taken from the plan.
 */
import { createHash } from 'node:crypto';
import type { Check, Command, Plan, Step } from '../model/plan.js';
import { renderCommand } from '../util/shell.js';
import { checkReading } from './check-text.js';
import { commsBlanks, commsBlocks, commsSummary, statusPageLabel } from './comms.js';
import type { Preface } from './preface.js';
import { procedure } from './procedure.js';
import { criterionLine, displayText, FILL_IN, formatDuration } from './text.js';

/** Escape text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(value: string): string {
  return displayText(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
const e = escapeHtml;
/** A class-name fragment: only [a-z0-9-] survives (enum values from the model). */
const cls = (value: string) => value.toLowerCase().replace(/[^a-z0-9-]/g, '');

/** Escaped text with `[FILL IN: ...]` blanks highlighted. */
function withBlanks(value: string): string {
  return e(value).replace(FILL_IN, (m) => `<mark class="fill">${m}</mark>`);
}

const CSS = `
:root{--fg:#1a1a1a;--muted:#555;--line:#d0d0d0;--bg:#fff;--soft:#f4f4f4;--red:#b00020;--green:#17692b;
--amber:#8a5a00;--blue:#1f4e9c;--blue-soft:#a9c0e8}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0 auto;max-width:60rem;padding:1rem;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--fg);background:var(--bg);overflow-wrap:break-word}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.3rem;margin:2rem 0 .6rem;border-bottom:2px solid var(--line)}
h3{font-size:1.1rem;margin:1.2rem 0 .4rem}
code,pre{font:16px/1.45 ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace}
pre{margin:0;padding:.6rem .7rem;background:var(--soft);border:1px solid var(--line);border-radius:6px;
white-space:pre-wrap;overflow-wrap:anywhere}
.cmd{display:flex;gap:.5rem;align-items:flex-start;margin:.4rem 0}.cmd pre{flex:1;min-width:0}
button.copy{font:inherit;font-size:16px;min-height:44px;padding:.4rem .9rem;border:1px solid var(--blue);
border-radius:6px;background:var(--blue);color:#fff;cursor:pointer;flex:none}
button.copy:focus-visible{outline:3px solid var(--amber);outline-offset:2px}
.badge{display:inline-block;padding:.1rem .6rem;border-radius:999px;font-weight:700;color:#fff}
.risk-high{background:var(--red)}.risk-low{background:var(--green)}
.meta{color:var(--muted);margin:.2rem 0}
.warn{border-left:5px solid var(--red);background:#fdecee;padding:.5rem .8rem;margin:.6rem 0}
.ok{border-left:5px solid #1a7f37;background:#e8f5ec;padding:.5rem .8rem;margin:.6rem 0}
.gates-now{border-left:5px solid #9a6700;background:#fff8e1;padding:.5rem .8rem;margin:.6rem 0}
.note{border-left:5px solid var(--blue);background:#eef3fb;padding:.5rem .8rem;margin:.6rem 0}
table{border-collapse:collapse;width:100%}th,td{border:1px solid var(--line);padding:.4rem .5rem;text-align:left;
vertical-align:top;overflow-wrap:break-word}th{background:var(--soft)}td code{overflow-wrap:anywhere}
table.hazards{table-layout:fixed}col.c-sev{width:6rem}col.c-subj{width:17%}col.c-what{width:27%}col.c-yn{width:6.5rem}
.sev-error{color:var(--red);font-weight:700}.sev-warning{color:var(--amber);font-weight:700}
.yes{color:var(--green);font-weight:700}.no{color:var(--red);font-weight:700}.unknown{color:var(--muted)}
ul.checklist{list-style:none;padding:0}ul.checklist li{border:1px solid var(--line);border-radius:6px;
padding:.6rem .7rem;margin:.5rem 0}
ul.checklist label{display:flex;gap:.6rem;align-items:flex-start;font-weight:600}
ul.checklist input{width:1.4rem;height:1.4rem;flex:none;margin-top:.15rem}
ol.steps{padding-left:1.4rem}ol.steps>li{margin:0 0 1.2rem}
.data{color:var(--red);font-weight:700}
svg{width:100%;max-width:36rem;height:auto;display:block;margin:.6rem 0}
svg text{font-family:system-ui,sans-serif;fill:var(--fg)}
.bar-expected{fill:var(--blue)}.bar-worst{fill:var(--blue-soft)}.bar-past{fill:#888}
.bar-data{fill:var(--red)}.axis{stroke:var(--muted);stroke-width:1}.grid{stroke:var(--line);stroke-width:1}
.median{stroke:var(--amber);stroke-width:2;stroke-dasharray:4 3}
.legend span{display:inline-flex;align-items:center;gap:.3rem;margin-right:1rem}
.swatch{display:inline-block;width:1rem;height:1rem;border-radius:2px}
.sw-expected{background:var(--blue)}.sw-worst{background:var(--blue-soft)}.sw-past{background:#888}
.sw-data{background:var(--red)}
mark.fill{background:#ffe08a;color:#000;font-weight:700;padding:0 .15rem;border:1px dashed #8a5a00}
.offscreen{position:fixed;left:-9999px;top:0;opacity:0}
footer{margin:2rem 0 1rem;color:var(--muted);font-size:16px}
@media (max-width:40rem){
  body{padding:.7rem}
  table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
  table.cards thead{display:none}
  table.cards tr{border:1px solid var(--line);border-radius:6px;margin:.6rem 0;padding:.3rem}
  table.cards td{border:0;padding:.2rem .3rem}
  table.cards td::before{content:attr(data-label) ": ";font-weight:700;color:var(--muted)}
  .cmd{flex-direction:column}.cmd button{align-self:flex-end}
}
@media print{
  body{max-width:none;font-size:11pt;padding:0}
  button.copy{display:none}
  h2{break-after:avoid}
  tr,ul.checklist li,ol.steps>li,svg{break-inside:avoid}
  pre{background:none}
  code,pre{font-size:9.5pt}
  .badge{border:1px solid #000;color:#000;background:none}
}
`.trim();

const SCRIPT = `
(function () {
  "use strict";
  function fallback(text) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.className = "offscreen";
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
    document.body.removeChild(ta);
    return ok;
  }
  function done(btn, ok) {
    btn.textContent = ok ? "Copied" : "Select and copy by hand";
    window.setTimeout(function () { btn.textContent = "Copy"; }, 2000);
  }
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (btn) {
    btn.addEventListener("click", function () {
      var el = document.getElementById(btn.getAttribute("data-copy"));
      var text = el ? el.textContent : "";
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { done(btn, true); },
          function () { done(btn, fallback(text)); }
        );
      } else {
        done(btn, fallback(text));
      }
    });
  });
})();
`.trim();

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The page's Content-Security-Policy: nothing but the one inline style and the one inline script. */
export const CSP = [
  "default-src 'none'",
  `style-src ${sha256(CSS)}`,
  `script-src ${sha256(SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

class Ids {
  private n = 0;
  next(prefix: string): string {
    this.n += 1;
    return `${prefix}-${this.n}`;
  }
}

function copyable(ids: Ids, text: string, prefix = 'cmd', label = 'Copy'): string {
  const id = ids.next(prefix);
  return `<div class="cmd"><pre><code id="${id}">${e(text)}</code></pre><button type="button" class="copy" data-copy="${id}" aria-label="${label} to clipboard">Copy</button></div>`;
}

function commandHtml(ids: Ids, cmd: Command): string {
  if (cmd.argv.length === 0) return `<p><strong>Manual:</strong> ${e(cmd.manual ?? '')}</p>`;
  return copyable(ids, renderCommand(cmd));
}

function checkHtml(ids: Ids, check: Check): string {
  const parts = [`<p><strong>Must show:</strong> ${e(check.expect)}</p>`];
  if (check.command && check.command.argv.length > 0 && !check.manual) {
    parts.push(commandHtml(ids, check.command));
    const extra = [`timeout ${formatDuration(check.timeoutSeconds)}`, `${check.retries} retries`];
    if (check.expectOutput) extra.unshift(`passes when the output contains “${e(check.expectOutput)}”`);
    parts.push(`<p class="meta">${extra.join(', ')}</p>`);
  } else {
    if (check.command && check.command.argv.length > 0) parts.push(commandHtml(ids, check.command));
    parts.push('<p class="meta">Confirmed by the operator.</p>');
  }
  const reading = checkReading(check);
  if (reading.length > 0)
    parts.push(`<ul class="reads">${reading.map((l) => `<li>${e(l)}</li>`).join('')}</ul>`);
  for (const l of check.acceptance?.losses ?? []) parts.push(`<p class="warn">Loses: ${e(l)}</p>`);
  return parts.join('\n');
}

const yesNo = (v: boolean | null) =>
  v === null
    ? '<span class="unknown">unknown</span>'
    : v
      ? '<span class="yes">yes</span>'
      : '<span class="no">no</span>';

/** Ends the text with a full stop unless it already ends a sentence. */
function sentence(text: string): string {
  const t = text.trimEnd();
  return t === '' || /[.!?]$/.test(t) ? t : `${t}.`;
}

function header(plan: Plan): string {
  const s = plan.service;
  const facts = [
    `platform ${s.platform}`,
    s.workload ? `workload ${s.workload}` : '',
    s.namespace ? `namespace ${s.namespace}` : '',
    s.owners.length ? `owners ${s.owners.join(', ')}` : '',
  ].filter(Boolean);
  return `<header>
<h1>Rollback: ${e(s.name)} <span class="badge risk-${plan.risk === 'high' ? 'high' : 'low'}">${plan.risk === 'high' ? 'HIGH RISK' : 'low risk'}</span></h1>
<p class="window"><strong>${e(plan.window.summary)}</strong></p>
${plan.dataPathUnknown ? `<p class="unscoped">The data path is unknown: ${e(plan.dataPathUnknown.join('; '))}. See the unknowns.</p>\n` : ''}${plan.window.scoped ? '' : '<p class="unscoped">Unscoped: the release window is unknown; hazards marked unscoped come from the whole migration history. Name the target with <code>--to REF</code>.</p>\n'}<p class="meta">${facts.map(e).join(' · ')}</p>
<p>About <strong>${formatDuration(plan.estimate.expectedSeconds)}</strong> to mitigation, worst case <strong>${formatDuration(plan.estimate.maxSeconds)}</strong>.</p>
</header>`;
}

function trigger(ids: Ids, plan: Plan): string {
  const t = plan.trigger;
  const crit = t.criteria.length
    ? `<ul>${t.criteria.map((c) => `<li>${e(criterionLine(c))}</li>`).join('')}</ul>`
    : '<p class="warn">No trigger signal is configured.</p>';
  const kind = t.oneCommand
    ? `<p class="note">One command: ${e(t.why)}</p>`
    : `<p class="warn"><strong>Not a one-command rollback.</strong> ${e(sentence(t.why))} Follow the gates and the runbook below.</p>`;
  return `<section id="trigger">
<h2>Trigger</h2>
<p><strong>Roll back when</strong></p>
${crit}
<p><strong>Who can call it:</strong> ${e(t.authorized.join(', ') || 'not configured')}</p>
<p><strong>${t.oneCommand ? 'The command' : 'The first command'}</strong></p>
${copyable(ids, t.command, 'trigger-command')}
${kind}
</section>`;
}

function hazards(plan: Plan): string {
  if (plan.hazards.length === 0)
    return '<section id="hazards"><h2>Hazards</h2><p>No state hazard found: the app rollback restores everything.</p></section>';
  const rows = plan.hazards.map((h) => {
    const ev = h.evidence
      .map((x) => `<code>${e(`${x.file}:${x.line}${x.col ? `:${x.col}` : ''}`)}</code>`)
      .join(' ');
    return `<tr>
<td data-label="Severity"><span class="sev-${cls(h.severity)}">${e(h.severity)}</span></td>
<td data-label="Subject"><strong>${e(h.subject)}</strong>${h.unscoped ? ' <em>(unscoped)</em>' : ''}<br><span class="meta">${e(h.rule)} · ${e(h.kind)}${h.touchesData ? ' · <span class="data">data</span>' : ''}</span></td>
<td data-label="What">${e(h.message)}<br>${ev}</td>
<td data-label="App rollback safe">${yesNo(h.appRollbackSafe)}</td>
<td data-label="Revert lossless">${yesNo(h.revertLossless)}</td>
<td data-label="Mitigation">${e(h.mitigation)}</td>
</tr>`;
  });
  return `<section id="hazards">
<h2>Hazards (${plan.hazards.length})</h2>
<table class="cards hazards"><colgroup><col class="c-sev"><col class="c-subj"><col class="c-what"><col class="c-yn"><col class="c-yn"><col class="c-fix"></colgroup><thead><tr><th>Severity</th><th>Subject</th><th>What</th><th>App rollback safe</th><th>Revert lossless</th><th>Mitigation</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</section>`;
}

function gates(ids: Ids, plan: Plan): string {
  const items = plan.gates.map((g, i) => {
    const status = g.status
      ? `<p class="meta">When designed: <strong>${e(g.status)}</strong>${g.reason ? ` (${e(g.reason)})` : ''}</p>`
      : '';
    const ev = (g.evidence ?? []).map((x) => `<code>${e(`${x.file}:${x.line}`)}</code>`).join(' ');
    return `<li>
<label><input type="checkbox" id="${ids.next('gate')}"> <span>${i + 1}. ${e(g.title)}</span></label>
<p class="meta">${e(g.kind)}${g.blocking ? ' · <strong>blocking</strong>' : ' · not blocking'}${ev ? ` · ${ev}` : ''}</p>
${status}
${checkHtml(ids, g.check)}
</li>`;
  });
  return `<section id="gates">
<h2>Gates: each is checked just before the first runbook step that needs it</h2>
${plan.gates.length ? `<ul class="checklist">\n${items.join('\n')}\n</ul>` : '<p>No gate.</p>'}
</section>`;
}

/** SVG width units; the chart scales to the page. */
const W = 360;
const LEFT = 8;
const RIGHT = 12;
/** Characters of 16-unit text that fit on one chart line. */
const LINE_CHARS = 36;

function ticks(span: number): number[] {
  const steps = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  const step = steps.find((s) => span / s <= 6) ?? Math.ceil(span / 6 / 3600) * 3600;
  const out: number[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) out.push(t);
  return out;
}

function truncate(text: string, max: number): string {
  const t = displayText(text).replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** The runbook as a timeline: one bar per step, from its expected start, expected and worst case. */
export function timelineSvg(steps: Step[]): string {
  let start = 0;
  const rows = steps.map((s) => {
    const row = { s, start };
    start += Math.max(0, s.expectedSeconds) + (s.check.watchSeconds ?? 0);
    return row;
  });
  const span = Math.max(1, ...rows.map((r) => r.start + Math.max(r.s.maxSeconds, r.s.expectedSeconds)));
  const inner = W - LEFT - RIGHT;
  const x = (sec: number) => LEFT + (sec / span) * inner;
  const rowH = 72;
  const top = 4;
  const h = top + rows.length * rowH + 26;
  const grid = ticks(span).map((t) => {
    const anchor = t === 0 ? 'start' : x(t) > W - RIGHT - 20 ? 'end' : 'middle';
    return `<line class="grid" x1="${x(t).toFixed(1)}" y1="${top}" x2="${x(t).toFixed(1)}" y2="${h - 22}"/><text x="${x(t).toFixed(1)}" y="${h - 5}" font-size="14" text-anchor="${anchor}">${formatDuration(t)}</text>`;
  });
  const bars = rows.map(({ s, start: st }, i) => {
    const y = top + i * rowH;
    const times = `expected ${formatDuration(s.expectedSeconds)} · worst case ${formatDuration(s.maxSeconds)}`;
    const label = truncate(`${i + 1}. ${s.title}`, LINE_CHARS);
    const worstW = Math.max(2, x(st + Math.max(s.maxSeconds, s.expectedSeconds)) - x(st));
    const expW = Math.max(2, x(st + s.expectedSeconds) - x(st));
    return `<g class="step-bar" data-step="${i + 1}"><title>${e(`${i + 1}. ${s.title}: expected ${formatDuration(s.expectedSeconds)}, worst case ${formatDuration(s.maxSeconds)}`)}</title>
<text x="${LEFT}" y="${y + 17}" font-size="16" font-weight="600">${e(label)}</text>
<rect class="bar-worst" x="${x(st).toFixed(1)}" y="${y + 24}" width="${worstW.toFixed(1)}" height="18" rx="2"/>
<rect class="${s.touchesData ? 'bar-data' : 'bar-expected'}" x="${x(st).toFixed(1)}" y="${y + 24}" width="${expW.toFixed(1)}" height="18" rx="2"/>
<text x="${LEFT}" y="${y + 60}" font-size="16">${times}</text></g>`;
  });
  return `<svg class="timeline" viewBox="0 0 ${W} ${h}" role="img" aria-label="Runbook timeline: one bar per step">
${grid.join('\n')}
<line class="axis" x1="${LEFT}" y1="${h - 22}" x2="${W - RIGHT}" y2="${h - 22}"/>
${bars.join('\n')}
</svg>`;
}

function runbook(ids: Ids, plan: Plan): string {
  const before = new Map<number, string>();
  let pending: string | undefined;
  for (const item of procedure(plan)) {
    if (item.kind === 'gates') pending = item.gates.map((g) => `${g.n}. ${g.gate.title}`).join('; ');
    else if (pending !== undefined) {
      before.set(item.n, pending);
      pending = undefined;
    }
  }
  const steps = plan.runbook.map((s, i) => {
    const gatesNow = before.get(i + 1);
    const gatesNeeded = s.requiresGates
      .map((id) => {
        const i = plan.gates.findIndex((g) => g.id === id);
        return i >= 0 ? `${i + 1}. ${plan.gates[i]!.title}` : `${id} (not in the plan)`;
      })
      .map(e);
    return `<li>
<h3>${e(s.title)}${s.touchesData ? ' <span class="data">[changes data]</span>' : ''}</h3>
<p class="meta">Expected ${formatDuration(s.expectedSeconds)}, worst case ${formatDuration(s.maxSeconds)}${s.durationBasis ? ` · ${e(s.durationBasis)}` : ''}</p>
${gatesNow ? `<p class="gates-now"><strong>Check these gates now, before this step:</strong> ${e(gatesNow)}</p>` : ''}
${gatesNeeded.length ? `<p><strong>Only after gates:</strong> ${gatesNeeded.join('; ')}</p>` : ''}
${s.touchesData ? `<p class="warn">This step changes data: its backup and verification gates must have passed in this incident. Called by: ${e(plan.trigger.authorized.join(', ') || 'not configured')}.</p>` : ''}
${s.commands.map((c) => `${commandHtml(ids, c)}${c.repeatUntilCheck ? `<p class="meta">Repeat until the check passes (one migration per run, at most ${c.repeatUntilCheck} runs).</p>` : ''}`).join('\n')}
<p><strong>Check before the next step</strong></p>
${checkHtml(ids, s.check)}
${s.stopWhenCheckPasses ? `<p class="ok"><strong>If it passes:</strong> ${e(s.stopWhenCheckPasses)}</p>` : ''}
<p class="warn"><strong>${s.stopWhenCheckPasses ? 'If not' : 'If the check fails'}:</strong> ${e(s.onFailure)}</p>
</li>`;
  });
  return `<section id="runbook">
<h2>Runbook (${plan.runbook.length} steps)</h2>
${plan.runbook.length ? timelineSvg(plan.runbook) : ''}
<p class="legend"><span><i class="swatch sw-expected"></i>expected</span><span><i class="swatch sw-worst"></i>worst case</span><span><i class="swatch sw-data"></i>data step (expected)</span></p>
<ol class="steps">
${steps.join('\n')}
</ol>
</section>`;
}

/** The designed estimate beside the past rollbacks, as horizontal bars in minutes. */
export function estimateSvg(plan: Plan): string {
  const est = plan.estimate;
  const rows: { label: string; value: number; worst?: number; cls: string }[] = [
    {
      label: `Designed: ${formatDuration(est.expectedSeconds)} (max ${formatDuration(est.maxSeconds)})`,
      value: est.expectedSeconds / 60,
      worst: est.maxSeconds / 60,
      cls: 'bar-expected',
    },
    ...est.past.map((p) => ({
      label: truncate(`${p.date}: ${p.minutes} min${p.note ? ` · ${p.note}` : ''}`, LINE_CHARS),
      value: p.minutes,
      cls: 'bar-past',
    })),
  ];
  const span = Math.max(1, ...rows.map((r) => Math.max(r.value, r.worst ?? 0)), est.pastMedianMinutes ?? 0);
  const inner = W - LEFT - RIGHT;
  const x = (min: number) => LEFT + (min / span) * inner;
  const rowH = 50;
  const top = est.pastMedianMinutes !== undefined ? 24 : 4;
  const h = top + rows.length * rowH + 26;
  const bars = rows.map((r, i) => {
    const y = top + i * rowH;
    const worst =
      r.worst !== undefined
        ? `<rect class="bar-worst" x="${LEFT}" y="${y + 24}" width="${Math.max(2, x(r.worst) - LEFT).toFixed(1)}" height="16" rx="2"/>`
        : '';
    return `<g class="estimate-bar"><text x="${LEFT}" y="${y + 17}" font-size="16">${e(r.label)}</text>${worst}<rect class="${r.cls}" x="${LEFT}" y="${y + 24}" width="${Math.max(2, x(r.value) - LEFT).toFixed(1)}" height="16" rx="2"/></g>`;
  });
  const median =
    est.pastMedianMinutes !== undefined
      ? `<line class="median" x1="${x(est.pastMedianMinutes).toFixed(1)}" y1="${top - 4}" x2="${x(est.pastMedianMinutes).toFixed(1)}" y2="${h - 22}"/><text x="${x(est.pastMedianMinutes).toFixed(1)}" y="${top - 8}" font-size="14" text-anchor="${x(est.pastMedianMinutes) > W / 2 ? 'end' : 'start'}">past median ${est.pastMedianMinutes} min</text>`
      : '';
  return `<svg class="estimate" viewBox="0 0 ${W} ${h}" role="img" aria-label="Estimated time to mitigation beside past rollbacks, in minutes">
<line class="axis" x1="${LEFT}" y1="${h - 22}" x2="${W - RIGHT}" y2="${h - 22}"/>
<text x="${LEFT}" y="${h - 5}" font-size="14">0</text><text x="${W - RIGHT}" y="${h - 5}" font-size="14" text-anchor="end">${Math.round(span)} min</text>
${bars.join('\n')}
${median}
</svg>`;
}

function estimate(plan: Plan): string {
  const est = plan.estimate;
  const drivers = est.drivers.length
    ? `<table class="cards"><thead><tr><th>Driver</th><th>Value</th><th>From</th></tr></thead><tbody>${est.drivers
        .map(
          (d) =>
            `<tr><td data-label="Driver">${e(d.name)}</td><td data-label="Value">${e(d.value)}</td><td data-label="From">${e(d.source)}${d.at ? ` <code>${e(`${d.at.file}:${d.at.line}`)}</code>` : ''}${d.realFrom ? ` — real value: ${e(d.realFrom)}` : ''}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  return `<section id="estimate">
<h2>Estimate</h2>
<p>${e(est.comparison)}</p>
${estimateSvg(plan)}
${est.past.length === 0 ? '<p class="meta">No past rollback is recorded (history.pastRollbacks in rollbook.yaml).</p>' : ''}
${drivers}
</section>`;
}

function verification(ids: Ids, plan: Plan): string {
  const v = plan.verification;
  return `<section id="verification">
<h2>Verification</h2>
<p>Recovered when these signals stay on their healthy side for <strong>${formatDuration(v.sustainSeconds)}</strong>:</p>
${v.signals.length ? `<ul>${v.signals.map((s) => `<li>${e(`${s.signal}: ${s.condition}`)}</li>`).join('')}</ul>` : '<p class="warn">No signal configured: watch the service dashboards.</p>'}
${v.checks.map((c) => checkHtml(ids, c)).join('\n')}
</section>`;
}

function comms(ids: Ids, plan: Plan): string {
  const blanks = commsBlanks(plan);
  const blocks = commsBlocks(plan).map((b) => {
    const page = ids.next('comms');
    const chat = ids.next('comms');
    return `<h3>${e(b.heading)}</h3>
<p class="meta">${e(statusPageLabel(plan))}</p>
<div class="cmd"><pre id="${page}">${withBlanks(b.statusPage)}</pre><button type="button" class="copy" data-copy="${page}" aria-label="Copy ${plan.comms.statusPage ? 'status page' : 'long form'} text">Copy</button></div>
<p class="meta">Chat</p>
<div class="cmd"><pre id="${chat}">${withBlanks(b.chat)}</pre><button type="button" class="copy" data-copy="${chat}" aria-label="Copy chat text">Copy</button></div>`;
  });
  return `<section id="comms">
<h2>Status updates</h2>
<p>${e(commsSummary(plan))}</p>
<p><strong>Data loss:</strong> ${withBlanks(plan.comms.dataLossStatement)}</p>
${blanks.length ? `<p class="warn">Fill in every highlighted blank before sending: ${blanks.map((b) => `<mark class="fill">${e(b)}</mark>`).join(' ')}</p>` : ''}
${blocks.join('\n')}
</section>`;
}

function unknowns(plan: Plan): string {
  if (plan.unknowns.length === 0) return '';
  return `<section id="unknowns">
<h2>What the design could not determine</h2>
<ul>${plan.unknowns.map((u) => `<li><strong>${e(u.subject)}</strong>: ${e(u.reason)}${u.at ? ` <code>${e(`${u.at.file}:${u.at.line}`)}</code>` : ''}</li>`).join('')}</ul>
</section>`;
}

function preface(p: Preface | undefined): string {
  if (!p) return '';
  return `<section id="context">
<h2>${e(p.title)}</h2>
<dl>${p.facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>
${p.sections.map((sec) => `<h3>${e(sec.heading)}</h3>\n<ul>${sec.items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`).join('\n')}
</section>
`;
}

export function renderHtml(plan: Plan, options: { preface?: Preface } = {}): string {
  const ids = new Ids();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Rollback: ${e(plan.service.name)}</title>
<style>${CSS}</style>
</head>
<body>
${header(plan)}
<main>
${preface(options.preface)}${trigger(ids, plan)}
${hazards(plan)}
${gates(ids, plan)}
${runbook(ids, plan)}
${estimate(plan)}
${verification(ids, plan)}
${comms(ids, plan)}
${unknowns(plan)}
</main>
<footer>Designed by rollbook. It never runs a rollback: every command here is for a person to run.</footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
