/** Types of scripts/rules-table.js (plain JavaScript, run with node after `npm run build`). */
export const START: '<!-- rules:start -->';
export const END: '<!-- rules:end -->';
export class RulesTableError extends Error {}
export function renderRulesTable(
  rules: readonly { meta: { id: string; kind: string; severity: string; description: string } }[],
): string;
export function replaceRulesSection(readme: string, table: string): string;
export function main(argv: string[]): Promise<number>;
