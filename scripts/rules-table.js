#!/usr/bin/env node
/**
 * The rules list in README.md, generated from rule meta.
 *
 * Reads the built registry (dist/rules/index.js, so run `npm run build` first) and rewrites the part
 * of README.md between `<!-- rules:start -->` and `<!-- rules:end -->` with a table
 * id | kind | severity | description, each id linking to docs/rules/<id>.md.
 *
 *   node scripts/rules-table.js              rewrite README.md (atomically)
 *   node scripts/rules-table.js --check      exit 1 when README.md is out of date, change nothing
 *   --readme FILE                            another markdown file
 *   --registry FILE                          another module exporting RULES
 *
 * Exit codes: 0 done / up to date, 1 out of date (--check), 2 usage or input error.
 */
import { existsSync, realpathSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const START = '<!-- rules:start -->';
export const END = '<!-- rules:end -->';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A table cell: one line, pipes escaped. */
function cell(text) {
  return String(text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

/**
 * The markdown table for a list of rules (sorted by id, code-point order).
 * @param {readonly { meta: { id: string, kind: string, severity: string, description: string } }[]} rules
 * @returns {string}
 */
export function renderRulesTable(rules) {
  const metas = rules.map((r) => r.meta).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rows = metas.map(
    (m) =>
      `| [${cell(m.id)}](docs/rules/${m.id}.md) | ${cell(m.kind)} | ${cell(m.severity)} | ${cell(m.description)} |`,
  );
  return ['| id | kind | severity | description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** An input problem (exit code 2). */
export class RulesTableError extends Error {}

/**
 * Replace what is between the markers with the table. Throws RulesTableError when the markers are
 * missing, repeated or out of order.
 * @param {string} readme
 * @param {string} table
 * @returns {string}
 */
export function replaceRulesSection(readme, table) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  const where = (i) => `line ${readme.slice(0, i).split('\n').length}`;
  if (start < 0 || end < 0) throw new RulesTableError(`no ${start < 0 ? START : END} marker`);
  if (readme.indexOf(START, start + 1) >= 0) throw new RulesTableError(`${START} appears twice`);
  if (readme.indexOf(END, end + 1) >= 0) throw new RulesTableError(`${END} appears twice`);
  if (end < start)
    throw new RulesTableError(`${END} (${where(end)}) comes before ${START} (${where(start)})`);
  const eol = readme.includes('\r\n') ? '\r\n' : '\n';
  const body = table.split('\n').join(eol);
  return `${readme.slice(0, start)}${START}${eol}${eol}${body}${eol}${eol}${readme.slice(end)}`;
}

function parseArgs(argv) {
  const opts = {
    check: false,
    readme: path.join(ROOT, 'README.md'),
    registry: path.join(ROOT, 'dist/rules/index.js'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') opts.check = true;
    else if (a === '--readme' || a === '--registry') {
      const v = argv[++i];
      if (!v) throw new RulesTableError(`${a} needs a file`);
      opts[a.slice(2)] = path.resolve(v);
    } else if (a === '--help' || a === '-h') opts.help = true;
    else throw new RulesTableError(`unknown argument ${a} (usage: rules-table.js [--check] [--readme FILE])`);
  }
  return opts;
}

function rel(file) {
  return path.relative(process.cwd(), file).split(path.sep).join('/') || file;
}

/** @returns {Promise<number>} exit code */
export async function main(argv) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`rules-table: ${e.message}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write('usage: node scripts/rules-table.js [--check] [--readme FILE] [--registry FILE]\n');
    return 0;
  }
  if (!existsSync(opts.registry)) {
    process.stderr.write(`rules-table: ${rel(opts.registry)} not found: run \`npm run build\` first\n`);
    return 2;
  }
  let readme;
  try {
    readme = await readFile(opts.readme, 'utf8');
  } catch (e) {
    process.stderr.write(`rules-table: cannot read ${rel(opts.readme)}: ${e.code ?? e.message}\n`);
    return 2;
  }
  const { RULES } = await import(pathToFileURL(opts.registry).href);
  if (!Array.isArray(RULES)) {
    process.stderr.write(`rules-table: ${rel(opts.registry)} does not export a RULES array\n`);
    return 2;
  }
  let next;
  try {
    next = replaceRulesSection(readme, renderRulesTable(RULES));
  } catch (e) {
    if (!(e instanceof RulesTableError)) throw e;
    process.stderr.write(`rules-table: ${rel(opts.readme)}: ${e.message}\n`);
    return 2;
  }
  if (opts.check) {
    if (next === readme) return 0;
    process.stderr.write(
      `rules-table: the rules list in ${rel(opts.readme)} is out of date: run \`npm run build && node scripts/rules-table.js\`\n`,
    );
    return 1;
  }
  if (next !== readme) {
    const tmp = `${opts.readme}.${process.pid}.tmp`;
    await writeFile(tmp, next, 'utf8');
    await rename(tmp, opts.readme);
    process.stdout.write(`rules-table: updated ${rel(opts.readme)} (${RULES.length} rules)\n`);
  }
  return 0;
}

function invokedDirectly() {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  process.exitCode = await main(process.argv.slice(2));
}
